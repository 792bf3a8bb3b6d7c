import { OAuthErrorCode, OAuthRefusalCode, REFUSALS } from '@behalf/contracts';

/**
 * A refused token request: a catalogue code, answered as its RFC 6749 §5.2 error. The code is the
 * reason the audit record names; `description` replaces the catalogue's words when the request
 * needs naming (a parameter, a wait).
 */
export class OAuthError extends Error {
  readonly description: string;

  constructor(
    readonly code: OAuthRefusalCode,
    description?: string,
    /** Seconds to wait, for a rate-limited request (answered 429 with Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    const text = description ?? REFUSALS[code].oauth.description;
    super(text);
    this.name = 'OAuthError';
    this.description = text;
  }

  get error(): OAuthErrorCode {
    return REFUSALS[this.code].oauth.error;
  }

  /** 401 for a client that failed to authenticate, 403 for a policy refusal, 429 over the rate limit, else 400 (§5.2). */
  get status(): number {
    switch (this.error) {
      case 'invalid_client':
        return 401;
      case 'access_denied':
        return 403;
      case 'temporarily_unavailable':
        return 429;
      default:
        return 400;
    }
  }
}
