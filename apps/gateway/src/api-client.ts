import type { GatewayRoutes, GatewayViewer } from '@behalf/contracts';
import { GATEWAY_CLIENT_ID } from '@behalf/server';

/** A refusal or failure of the API, with its status (never the credential). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The gateway's calls to the API, with its service principal's API key. */
export class ApiClient {
  constructor(
    private readonly apiUrl: string,
    private readonly apiKey: () => string,
  ) {}

  private async json<T>(path: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<T> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${this.apiKey()}`,
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Every route; with `after`, the API waits (up to 20 s) for a change first. */
  routes(after: string | undefined, signal?: AbortSignal): Promise<GatewayRoutes> {
    const query = after === undefined ? '' : `?after=${encodeURIComponent(after)}`;
    return this.json<GatewayRoutes>(`/api/v1/gateway/routes${query}`, {
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : undefined,
      timeoutMs: 30_000,
    });
  }

  /** `active`: the viewer did something since the last ask (see `GatewayViewerRequest.active`). */
  viewer(webappId: string, session: string | undefined, identityToken: boolean, active: boolean): Promise<GatewayViewer> {
    return this.json<GatewayViewer>('/api/v1/gateway/viewers', {
      method: 'POST',
      body: JSON.stringify({ webappId, ...(session !== undefined ? { session } : {}), identityToken, active }),
    });
  }

  /** The authorization code grant: the gateway session token for the viewer who approved the code. */
  async redeem(code: string, redirectUri: string, verifier: string): Promise<{ access_token: string; expires_in: number } | { error: string }> {
    const response = await fetch(`${this.apiUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(GATEWAY_CLIENT_ID)}:${encodeURIComponent(this.apiKey())}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (response.ok && typeof body.access_token === 'string') return { access_token: body.access_token, expires_in: body.expires_in ?? 0 };
    return { error: body.error ?? `status ${response.status}` };
  }
}
