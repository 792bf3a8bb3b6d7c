import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthInfo, Jwks } from '@behalf/contracts';
import { createLocalJWKSet, createRemoteJWKSet, JWTVerifyGetKey } from 'jose';
import { BehalfClient, createBehalfClient } from './api-client';
import { BackendToken } from './backend-token';
import { DatasetClient, unwrap } from './datasets';
import { AnonymousViewerError, ConfigurationError, IdentityMissingError } from './errors';
import { ImpersonationTokens } from './impersonation';
import { Clock } from './token-lifetime';
import {
  credentialOf,
  HeadersLike,
  headersOf,
  headerValues,
  identityTokenOf,
  RequestLike,
  sessionOf,
  verifyIdentityToken,
  Viewer,
  withCredential,
} from './viewer';

export interface BehalfRuntimeOptions {
  /** Behalf's URL, the issuer of its tokens (`BEHALF_URL`). */
  url: string;
  /** This webapp (`BEHALF_WEBAPP_ID`). */
  webappId: string;
  /** This run (`BEHALF_RUN_ID`). */
  runId: string;
  /** The run's backend token (`BEHALF_BACKEND_TOKEN`)… */
  backendToken?: string;
  /** …or a file that holds it, kept fresh by a runner (`BEHALF_BACKEND_TOKEN_FILE`). */
  backendTokenFile?: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  clock?: Clock;
  /** Skew allowed when checking identity tokens' times; default 30 s. */
  clockToleranceSeconds?: number;
  /** Behalf's public keys, instead of fetching `/.well-known/jwks.json` (tests, air-gapped set-ups). */
  jwks?: Jwks;
}

/** The result of {@link BehalfRuntime.authInfo}: the viewer, and with `withSecrets` their secrets by name. */
export interface AuthInfoResult {
  viewer: Viewer;
  /** Secret values by name: only those the webapp may receive and the viewer consented to. */
  secrets: Map<string, string>;
  /** Names the webapp may receive that the viewer has not consented to (ask them to). */
  secretsWithoutConsent: string[];
  /** The webapp or the global setting hides access tokens: no secret is sent. */
  secretsHidden: boolean;
}

/** What runs inside {@link BehalfRuntime.asViewer}: the viewer acted as. */
interface Acting {
  viewer: Viewer;
}

const REQUIRED = ['BEHALF_URL', 'BEHALF_WEBAPP_ID', 'BEHALF_RUN_ID'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A webapp backend's handle on Behalf: who views (`viewer`, `authInfo`), and acting as them
 * (`asViewer`) with the dataset client, the typed API client and `fetch`, all of which carry the
 * run's backend token outside `asViewer` and the viewer's impersonation token inside it.
 *
 * @example
 * const behalf = BehalfRuntime.fromEnv();
 * const viewer = await behalf.viewer(req);
 * const files = await behalf.asViewer(viewer, () => behalf.datasets.list());
 */
export class BehalfRuntime {
  /** Datasets as the current principal: the viewer inside `asViewer`, else the run's identity. */
  readonly datasets: DatasetClient;
  /** The typed REST client (openapi-fetch), with the same credential as `datasets`. */
  readonly api: BehalfClient;
  /** The webapp's id. */
  readonly webappId: string;
  /** The run's id. */
  readonly runId: string;

  private readonly url: string;
  private readonly clock: Clock;
  private readonly http: typeof fetch;
  private readonly backend: BackendToken;
  private readonly impersonation: ImpersonationTokens;
  private readonly acting = new AsyncLocalStorage<Acting>();
  private readonly keys: JWTVerifyGetKey;
  /** The API with the run's own backend token, whatever the context (the runtime endpoints accept nothing else). */
  private readonly asRun: BehalfClient;
  private readonly tolerance: number;

  /** Reads the launch spec's environment: `BEHALF_URL`, `BEHALF_WEBAPP_ID`, `BEHALF_RUN_ID`, and `BEHALF_BACKEND_TOKEN` or `BEHALF_BACKEND_TOKEN_FILE`. */
  static fromEnv(env: Record<string, string | undefined> = process.env, options: Partial<BehalfRuntimeOptions> = {}): BehalfRuntime {
    const missing = REQUIRED.filter((name) => !env[name]);
    if (!env.BEHALF_BACKEND_TOKEN && !env.BEHALF_BACKEND_TOKEN_FILE) missing.push('BEHALF_BACKEND_TOKEN or BEHALF_BACKEND_TOKEN_FILE' as never);
    if (missing.length) throw new ConfigurationError(`Not launched as a Behalf webapp run: ${missing.join(', ')} unset.`);
    return new BehalfRuntime({
      url: env.BEHALF_URL ?? '',
      webappId: env.BEHALF_WEBAPP_ID ?? '',
      runId: env.BEHALF_RUN_ID ?? '',
      backendToken: env.BEHALF_BACKEND_TOKEN || undefined,
      backendTokenFile: env.BEHALF_BACKEND_TOKEN_FILE || undefined,
      ...options,
    });
  }

  constructor(options: BehalfRuntimeOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new ConfigurationError(`BEHALF_URL is not a URL: ${JSON.stringify(options.url)}.`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ConfigurationError('BEHALF_URL must be http or https.');
    if (!UUID.test(options.webappId)) throw new ConfigurationError('BEHALF_WEBAPP_ID must be a webapp id (a UUID).');
    if (!UUID.test(options.runId)) throw new ConfigurationError('BEHALF_RUN_ID must be a run id (a UUID).');
    if (!options.backendToken && !options.backendTokenFile) throw new ConfigurationError('A backend token or a backend token file is required.');
    this.url = options.url.replace(/\/+$/, '');
    this.webappId = options.webappId;
    this.runId = options.runId;
    this.clock = options.clock ?? Date.now;
    this.http = options.fetch ?? fetch;
    this.tolerance = options.clockToleranceSeconds ?? 30;
    this.keys = options.jwks
      ? createLocalJWKSet(options.jwks as never)
      : createRemoteJWKSet(new URL(`${this.url}/.well-known/jwks.json`), { cooldownDuration: 10_000 });
    try {
      this.backend = new BackendToken({
        url: this.url,
        webappId: this.webappId,
        runId: this.runId,
        token: options.backendToken,
        tokenFile: options.backendTokenFile,
        fetch: this.http,
        clock: this.clock,
      });
    } catch {
      throw new ConfigurationError('BEHALF_BACKEND_TOKEN is not a JWT.');
    }
    this.impersonation = new ImpersonationTokens({
      url: this.url,
      fetch: this.http,
      clock: this.clock,
      actorToken: () => this.backend.get(),
      onRunEnded: (detail) => this.backend.end(detail),
    });
    this.api = createBehalfClient({
      url: this.url,
      fetch: this.http,
      credential: () => this.currentToken(),
      onUnauthorized: (token) => this.impersonation.drop(token),
    });
    this.datasets = new DatasetClient(this.api);
    this.asRun = createBehalfClient({ url: this.url, fetch: this.http, credential: () => this.backend.get() });
  }

  /** The run's backend token, refreshed before it expires (throws {@link RunStoppedError} once the run is over). */
  backendToken(): Promise<string> {
    return this.backend.get();
  }

  /**
   * Who views, from the request the gateway forwarded: its `X-Behalf-Identity` token verified
   * locally (no API call). Without one, a session cookie (`__Host-behalf_session`, or
   * `behalf_session` in development over plain HTTP; a webapp reached without the gateway) is
   * resolved through {@link authInfo}. Neither: {@link IdentityMissingError}.
   */
  async viewer(request: HeadersLike | RequestLike): Promise<Viewer> {
    const headers = headersOf(request);
    const token = identityTokenOf(headers);
    if (token) {
      return verifyIdentityToken(token, this.keys, { issuer: this.url, webappId: this.webappId, clockToleranceSeconds: this.tolerance, now: this.clock() });
    }
    if (sessionOf(headers)) return (await this.authInfo(headers)).viewer;
    throw new IdentityMissingError();
  }

  /**
   * The DSS-style call: asks Behalf who views from the request's credentials (identity token,
   * `Authorization` bearer or session cookie), and with `withSecrets` for the viewer's secrets this
   * webapp may receive and they consented to.
   */
  async authInfo(request: HeadersLike | RequestLike, options: { withSecrets?: boolean } = {}): Promise<AuthInfoResult> {
    const headers = headersOf(request);
    // Only what names the viewer leaves this process: the rest of the request is the webapp's.
    const forwarded: Record<string, string[]> = {};
    for (const name of ['x-behalf-identity', 'authorization', 'cookie']) {
      const values = headerValues(headers, name);
      if (values.length) forwarded[name] = values;
    }
    if (!Object.keys(forwarded).length) throw new IdentityMissingError();
    const info = unwrap(
      await this.asRun.POST('/api/v1/runtime/auth-info', { body: { headers: forwarded, withSecrets: options.withSecrets ?? false } }),
    ) as AuthInfo;
    const identity = identityTokenOf(headers);
    const session = sessionOf(headers);
    if (info.anonymous) {
      return { viewer: withCredential(anonymousViewer(), undefined), secrets: new Map(), secretsWithoutConsent: [], secretsHidden: false };
    }
    const viewer = withCredential(
      { login: info.authIdentifier, userId: info.userId, displayName: info.displayName, email: info.email, groups: info.groups, anonymous: false },
      identity ? { kind: 'identity_token', token: identity } : session ? { kind: 'session', token: session } : undefined,
    );
    return {
      viewer,
      secrets: new Map((info.secrets ?? []).map((s) => [s.name, s.value])),
      secretsWithoutConsent: info.secretsWithoutConsent ?? [],
      secretsHidden: info.secretsHidden === true,
    };
  }

  /**
   * Runs `fn` as `viewer`: inside it (and everything it awaits) `datasets`, `api` and `fetch`
   * carry an impersonation token for that viewer, exchanged on first use and kept until shortly
   * before it expires. Refusals are {@link ImpersonationDeniedError}s with the policy's reason.
   */
  asViewer<T>(viewer: Viewer, fn: () => T | Promise<T>): Promise<T> {
    if (viewer.anonymous || !viewer.userId) return Promise.reject(new AnonymousViewerError());
    if (!credentialOf(viewer)) return Promise.reject(new IdentityMissingError());
    return this.acting.run({ viewer }, async () => fn());
  }

  /** Stops renewing the backend token in the background (for a backend shutting down, or tests). */
  close(): void {
    this.backend.close();
  }

  /** The viewer `asViewer` acts as here, if any. */
  currentViewer(): Viewer | undefined {
    return this.acting.getStore()?.viewer;
  }

  /**
   * `fetch` to Behalf's API with the current credential (the viewer's inside `asViewer`, else the
   * run's). `input` is a path (`/api/v1/…`) or a URL on Behalf's origin: the token never goes elsewhere.
   */
  readonly fetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(String(input), `${this.url}/`);
    if (target.origin !== new URL(this.url).origin)
      throw new ConfigurationError(`behalf.fetch only calls Behalf (${new URL(this.url).origin}), not ${target.origin}.`);
    const token = await this.currentToken();
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const res = await this.http(target, { ...init, headers });
    if (res.status === 401) this.impersonation.drop(token);
    return res;
  };

  /** The token for a call made now: the viewer's impersonation token inside `asViewer`, else the backend token. */
  private async currentToken(): Promise<string> {
    const viewer = this.acting.getStore()?.viewer;
    const credential = viewer && credentialOf(viewer);
    // asViewer admits only viewers with a user id and a credential.
    if (!viewer?.userId || !credential) return this.backend.get();
    return this.impersonation.get(viewer.userId, credential);
  }
}

function anonymousViewer(): Viewer {
  return { login: 'Anonymous', userId: null, displayName: 'Anonymous', email: null, groups: [], anonymous: true };
}
