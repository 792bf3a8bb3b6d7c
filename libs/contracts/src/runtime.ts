/** What webapp backends get from Behalf about their viewers, and the OAuth token exchange. */

/** `aud` of identity tokens: the webapp they were issued for. */
export const identityAudience = (webappId: string): string => `webapp:${webappId}`;

/** `client_id` of impersonation access tokens: the webapp that obtained them. */
export const webappClientId = identityAudience;

/** The login auth info and identity tokens give a viewer without credentials. */
export const ANONYMOUS_LOGIN = 'Anonymous';

/** `sub` of an anonymous viewer's identity token. */
export const ANONYMOUS_SUBJECT = 'anonymous';

/** `POST /api/v1/runtime/auth-info`: who views, by the browser's headers as the backend got them. */
export interface AuthInfoRequest {
  /** Header names are case-insensitive; values are strings or arrays of strings. */
  headers: Record<string, string | string[]>;
  withSecrets?: boolean;
}

export interface AnonymousAuthInfo {
  authIdentifier: typeof ANONYMOUS_LOGIN;
  anonymous: true;
}

export interface ViewerAuthInfo {
  /** The viewer's login. */
  authIdentifier: string;
  userId: string;
  displayName: string;
  email: string | null;
  /** Names of the viewer's groups. */
  groups: string[];
  anonymous: false;
  /**
   * With `withSecrets`, when allowed: the viewer's secrets the webapp may receive (its
   * admin-approved `secretNames`) and the viewer consented to (`/users/me/secret-consents`).
   */
  secrets?: { name: string; value: string }[];
  /** With `withSecrets`: names the webapp may receive that the viewer has not consented to (ask them to). */
  secretsWithoutConsent?: string[];
  /** With `withSecrets`: the secrets exist but may not open (a retired key-encryption key): names only. */
  unreadableSecrets?: string[];
  /** With `withSecrets`, when the webapp or the global setting hides access tokens: no secret is sent. */
  secretsHidden?: true;
}

export type AuthInfo = AnonymousAuthInfo | ViewerAuthInfo;

/** `POST /api/v1/runtime/identity-token`. */
export interface IssuedIdentityToken {
  token: string;
  expiresAt: string;
}

/** RFC 8693 identifiers `POST /oauth/token` understands. */
export const TOKEN_EXCHANGE = {
  grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwtTokenType: 'urn:ietf:params:oauth:token-type:jwt',
  accessTokenType: 'urn:ietf:params:oauth:token-type:access_token',
  sessionTokenType: 'urn:behalf:params:oauth:token-type:session',
} as const;

/** A successful token exchange (RFC 8693 §2.2.1). */
export interface TokenExchangeResponse {
  access_token: string;
  issued_token_type: typeof TOKEN_EXCHANGE.accessTokenType;
  token_type: 'Bearer';
  expires_in: number;
}

export const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  /** 429 with Retry-After: the webapp run exchanges tokens faster than its rate limit. */
  'temporarily_unavailable',
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number];

/** The body of a token endpoint error (RFC 6749 §5.2). */
export interface OAuthError {
  error: OAuthErrorCode;
  error_description: string;
  /**
   * The catalogue code of the refusal (`no_grant`, `subject_disabled`, …), the reason the audit
   * record names: `error_description` says the same in words. An extension parameter (RFC 6749
   * §5.2 lets clients ignore it).
   */
  reason: string;
}

/** One thing done as a user by a webapp backend (`GET /api/v1/users/me/impersonation-events`). */
export interface ImpersonationEvent {
  id: string;
  at: string;
  /** The run identity that acted (or tried to). */
  actor: { userId: string | null; login: string | null };
  webappId: string | null;
  /** `token.exchange` (a token issued or refused), `impersonation.request` (an API call made with it), or the record of the change made. */
  action: string;
  outcome: 'allowed' | 'denied' | 'succeeded' | 'failed';
  reason: string | null;
  target: { type: string; id: string | null } | null;
  details: Record<string, unknown>;
}
