import { OAuthError, TOKEN_EXCHANGE, TokenExchangeResponse } from '@behalf/contracts';
import { BehalfUnavailableError, ImpersonationDeniedError, RateLimitedError, RunStoppedError } from './errors';
import { Clock, holdFor, HeldToken } from './token-lifetime';
import type { ViewerCredential } from './viewer';

export interface ImpersonationOptions {
  url: string;
  fetch: typeof fetch;
  clock: Clock;
  /** The run's backend token, the actor of every exchange. */
  actorToken: () => Promise<string>;
  /** Called when Behalf refuses the actor token itself: the run is over. */
  onRunEnded: (detail: string) => RunStoppedError;
}

/**
 * Impersonation access tokens per viewer (RFC 8693 exchanges of the viewer's credential with the
 * run's backend token as actor): kept until four fifths of their life, one exchange at a time per
 * viewer however many calls wait, dropped when the API refuses one.
 */
export class ImpersonationTokens {
  private readonly held = new Map<string, HeldToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: ImpersonationOptions) {}

  /** A token to act as the viewer `key` (their user id) now. */
  async get(key: string, credential: ViewerCredential): Promise<string> {
    const held = this.held.get(key);
    if (held && this.options.clock() < held.renewAt) return held.token;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.exchange(credential).then(
        (fresh) => {
          this.held.set(key, fresh);
          return fresh.token;
        },
        (error: unknown) => {
          this.held.delete(key);
          throw error;
        },
      );
      pending.finally(() => this.pending.delete(key)).catch(() => undefined);
      this.pending.set(key, pending);
    }
    return pending;
  }

  /** Forgets `token` (the API refused it: a grant removed, the viewer disabled, the run stopped). */
  drop(token: string): void {
    for (const [key, held] of this.held) if (held.token === token) this.held.delete(key);
  }

  /** How many viewers have a token kept (for tests and metrics). */
  get size(): number {
    return this.held.size;
  }

  private async exchange(credential: ViewerCredential): Promise<HeldToken> {
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE.grantType,
      subject_token: credential.token,
      subject_token_type: credential.kind === 'session' ? TOKEN_EXCHANGE.sessionTokenType : TOKEN_EXCHANGE.jwtTokenType,
      actor_token: await this.options.actorToken(),
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    });
    let res: Response;
    try {
      res = await this.options.fetch(`${this.options.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form,
      });
    } catch (error) {
      throw new BehalfUnavailableError((error as Error).message);
    }
    const body = (await res.json().catch(() => undefined)) as (TokenExchangeResponse & OAuthError) | undefined;
    if (res.ok && body?.access_token) return holdFor(body.access_token, body.expires_in, this.options.clock());
    if (!body?.error) throw new BehalfUnavailableError(`the token endpoint answered HTTP ${res.status}`);
    if (res.status === 429) throw new RateLimitedError(Number(res.headers.get('retry-after') ?? '1'));
    // The run's backend token no longer counts: the run is over.
    if (body.reason === 'run_stopped') throw this.options.onRunEnded(body.error_description);
    // The viewer's credential no longer counts (expired, a dead session): they must sign in again (401);
    // anything else is the policy's or the webapp's refusal (403).
    throw new ImpersonationDeniedError(body.reason ?? body.error, body.error_description, body.error === 'invalid_grant' ? 401 : 403);
  }
}
