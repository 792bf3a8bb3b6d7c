import type { ProblemCode } from './problem';
import type { OAuthErrorCode } from './runtime';

/**
 * One catalogue entry: the problem kind (so `type` and status) the REST API answers with, the
 * RFC 6749 §5.2 error where the token endpoint can answer it, and sentences a developer can act on.
 */
export interface RefusalEntry {
  problem: ProblemCode;
  /** The REST API's `detail`. */
  message: string;
  /** The token endpoint's `error` and `error_description`, where the code can happen there. */
  oauth?: { error: OAuthErrorCode; description: string };
}

const denied = (description: string) => ({ error: 'access_denied', description }) as const;
const unauthorizedClient = (description: string) => ({ error: 'unauthorized_client', description }) as const;
const invalidGrant = (description: string) => ({ error: 'invalid_grant', description }) as const;
const invalidRequest = (description: string) => ({ error: 'invalid_request', description }) as const;

/** The token request's parameters that may be sent at most once (RFC 8693 §2.1). */
export const TOKEN_REQUEST_SINGLE_PARAMETERS = [
  'grant_type',
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'scope',
  'code',
  'redirect_uri',
  'code_verifier',
] as const;
type SingleParameter = (typeof TOKEN_REQUEST_SINGLE_PARAMETERS)[number];

/** `missing_<parameter>` and `repeated_<parameter>`: a malformed token request (the description names the parameter). */
const parameterRefusals = Object.fromEntries(
  TOKEN_REQUEST_SINGLE_PARAMETERS.flatMap((name) => [
    [`missing_${name}`, { problem: 'validation-failed', message: `${name} is required.`, oauth: invalidRequest(`${name} is required.`) }],
    [`repeated_${name}`, { problem: 'validation-failed', message: `${name} must be sent once.`, oauth: invalidRequest(`${name} must be sent once.`) }],
  ]),
) as Record<
  `missing_${SingleParameter}` | `repeated_${SingleParameter}`,
  { problem: 'validation-failed'; message: string; oauth: { error: 'invalid_request'; description: string } }
>;

/**
 * Behalf's stable refusal codes, in the spirit of jose's `ERR_JWT_EXPIRED`: the code is the
 * `reason` the audit log records and what clients may switch on; the entry says how each surface
 * answers it. Authentication, the token exchange and the impersonation policy share these codes
 * rather than each keeping its own strings.
 */
export const REFUSALS = {
  ...parameterRefusals,
  // Credentials (the guard answers 401 with the message).
  unknown_session: { problem: 'unauthenticated', message: 'The credential presented is not valid.' },
  session_expired: { problem: 'unauthenticated', message: 'The session has expired: log in again.' },
  session_idle_timeout: { problem: 'unauthenticated', message: 'The session ended after a period of inactivity: log in again.' },
  user_disabled: { problem: 'unauthenticated', message: 'The credential presented is not valid.' },
  malformed_api_key: { problem: 'unauthenticated', message: 'The credential presented is not valid.' },
  unknown_api_key: { problem: 'unauthenticated', message: 'The credential presented is not valid.' },
  api_key_expired: { problem: 'unauthenticated', message: 'The API key has expired.' },
  api_key_revoked: { problem: 'unauthenticated', message: 'The API key has been revoked.' },
  token_expired: { problem: 'unauthenticated', message: 'The token has expired.' },
  token_invalid: { problem: 'unauthenticated', message: 'The credential presented is not valid.' },
  run_identity_inactive: { problem: 'unauthenticated', message: 'The user this webapp run acts as is disabled or deleted.' },
  /** An impersonation token whose policy no longer holds; the record names the rule (`impersonation_revoked:<rule>`). */
  impersonation_revoked: { problem: 'unauthenticated', message: 'The impersonation this token was issued for no longer holds.' },

  // Access (the guard and the domains answer 403; the record's reason adds what was missing, e.g. `missing_permission:admin`).
  missing_permission: { problem: 'forbidden', message: 'This requires a permission the caller does not hold.' },
  credential_not_accepted: { problem: 'forbidden', message: 'This endpoint does not accept this kind of credential.' },
  csrf_token_invalid: { problem: 'forbidden', message: 'Cookie-authenticated writes must send the CSRF cookie’s value in its header.' },
  token_cannot_mint_api_key: { problem: 'forbidden', message: 'A token cannot create API keys.' },
  dataset_read_denied: { problem: 'forbidden', message: 'You may not read this dataset.' },
  dataset_write_denied: { problem: 'forbidden', message: 'You may only read this dataset: writing needs a group with write permission, ownership or admin.' },
  not_dataset_owner: { problem: 'forbidden', message: 'Only the dataset’s owner and admins may do this.' },
  not_webapp_owner: { problem: 'forbidden', message: 'Only the webapp’s owner and admins may do this.' },
  run_as_requires_admin: { problem: 'forbidden', message: 'Only an admin may make a webapp run as another user.' },
  secret_names_widen_requires_admin: { problem: 'forbidden', message: 'Only an admin may widen the secrets a webapp may receive.' },
  identity_outranks_starter: { problem: 'conflict', message: 'The user this webapp runs as holds permissions the starter does not.' },

  // Logins (401, or 429 while throttled).
  unknown_login: { problem: 'unauthenticated', message: 'Invalid login or password.' },
  wrong_password: { problem: 'unauthenticated', message: 'Invalid login or password.' },
  too_many_failed_logins: { problem: 'too-many-requests', message: 'Too many failed logins: wait before trying again.' },
  client_locked_out: { problem: 'too-many-requests', message: 'Too many failed logins from this client: wait before trying again.' },
  account_locked_out: { problem: 'too-many-requests', message: 'Too many failed logins for this account from this client: wait before trying again.' },
  account_throttled: { problem: 'too-many-requests', message: 'Too many failed logins for this account: wait before trying again.' },

  // The viewer a backend asks about (`/api/v1/runtime/*`): 401 `viewer-unauthenticated`, or 403 `viewer-forbidden`.
  viewer_unknown_session: { problem: 'viewer-unauthenticated', message: 'The viewer’s session cookie names no session (logged out, or never valid).' },
  viewer_session_expired: { problem: 'viewer-unauthenticated', message: 'The viewer’s session has expired.' },
  viewer_session_idle_timeout: { problem: 'viewer-unauthenticated', message: 'The viewer’s session ended after a period of inactivity.' },
  viewer_token_expired: { problem: 'viewer-unauthenticated', message: 'The viewer’s identity token has expired.' },
  viewer_token_invalid: { problem: 'viewer-unauthenticated', message: 'The viewer’s identity token is not valid for this webapp.' },
  viewer_user_inactive: { problem: 'viewer-unauthenticated', message: 'The viewer is disabled or deleted.' },
  viewer_no_credentials: {
    problem: 'viewer-unauthenticated',
    message: 'The browser request carries no viewer credential (a behalf_session cookie or an identity token), and this webapp is not public.',
  },

  // The token request (RFC 8693 at /oauth/token).
  not_a_form: {
    problem: 'unsupported-media-type',
    message: 'The token request must be sent as application/x-www-form-urlencoded (RFC 6749 §3.2).',
    oauth: invalidRequest('The token request must be sent as application/x-www-form-urlencoded (RFC 6749 §3.2).'),
  },
  unsupported_grant_type: {
    problem: 'bad-request',
    message: 'This endpoint supports the token exchange and, for the gateway, the authorization code grant.',
    oauth: {
      error: 'unsupported_grant_type',
      description: 'This endpoint supports grant_type urn:ietf:params:oauth:grant-type:token-exchange, and authorization_code for the gateway.',
    },
  },
  // The authorization code grant (the gateway's; RFC 6749 §4.1.3, RFC 7636).
  client_unauthenticated: {
    problem: 'unauthenticated',
    message: 'The client did not authenticate as the gateway.',
    oauth: { error: 'invalid_client', description: 'Authenticate with HTTP Basic: client_id behalf-gateway and the gateway’s API key.' },
  },
  redirect_uri_invalid: { problem: 'bad-request', message: 'The redirect URI is not a webapp’s gateway callback: nothing is redirected.' },
  code_reused: {
    problem: 'unauthenticated',
    message: 'The authorization code was already used: the session it gave is revoked.',
    oauth: invalidGrant('The authorization code is unknown, expired, already used, or was issued for another redirect_uri.'),
  },
  code_invalid: {
    problem: 'unauthenticated',
    message: 'The authorization code is not valid.',
    oauth: invalidGrant('The authorization code is unknown, expired, already used, or was issued for another redirect_uri.'),
  },
  code_verifier_malformed: {
    problem: 'validation-failed',
    message: 'code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636 §4.1).',
    oauth: invalidRequest('code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~" (RFC 7636 §4.1).'),
  },
  code_verifier_mismatch: {
    problem: 'unauthenticated',
    message: 'The code verifier does not match the code challenge.',
    oauth: invalidGrant('The code_verifier does not match the code_challenge the authorization request sent (PKCE, RFC 7636).'),
  },
  unsupported_subject_token_type: {
    problem: 'validation-failed',
    message: 'subject_token_type must be an identity token or a session.',
    oauth: invalidRequest('subject_token_type must be urn:ietf:params:oauth:token-type:jwt (an identity token) or urn:behalf:params:oauth:token-type:session.'),
  },
  unsupported_actor_token_type: {
    problem: 'validation-failed',
    message: 'actor_token_type must be a JWT (a backend token).',
    oauth: invalidRequest('actor_token_type must be urn:ietf:params:oauth:token-type:jwt (a backend token).'),
  },
  unsupported_requested_token_type: {
    problem: 'validation-failed',
    message: 'requested_token_type must be an access token, the only type issued.',
    oauth: invalidRequest('requested_token_type must be urn:ietf:params:oauth:token-type:access_token, the only type issued.'),
  },
  invalid_audience: {
    problem: 'bad-request',
    message: 'Tokens are issued for audience behalf-api only.',
    oauth: { error: 'invalid_target', description: 'Tokens are issued for audience behalf-api only.' },
  },
  invalid_resource: {
    problem: 'bad-request',
    message: 'Tokens are issued for the issuer only.',
    oauth: { error: 'invalid_target', description: 'Tokens are issued for resource <issuer> only.' },
  },
  invalid_scope: {
    problem: 'bad-request',
    message: 'Behalf defines no scopes.',
    oauth: { error: 'invalid_scope', description: 'Behalf defines no scopes: the token carries exactly the viewer’s rights. Send no scope.' },
  },
  run_rate_limited: {
    problem: 'too-many-requests',
    message: 'This webapp run calls too often.',
    oauth: { error: 'temporarily_unavailable', description: 'This webapp run exchanges tokens too often.' },
  },
  actor_token_expired: {
    problem: 'unauthenticated',
    message: 'The actor token has expired.',
    oauth: unauthorizedClient('The actor_token has expired: refresh the backend token.'),
  },
  actor_token_invalid: {
    problem: 'unauthenticated',
    message: 'The actor token is not a valid backend token.',
    oauth: unauthorizedClient('The actor_token is not a valid backend token of a webapp run.'),
  },
  actor_is_impersonation_token: {
    problem: 'unauthenticated',
    message: 'An impersonation token cannot act.',
    oauth: unauthorizedClient('An impersonation token cannot act: the actor_token must be the run’s backend token.'),
  },
  subject_token_expired: { problem: 'unauthenticated', message: 'The subject token has expired.', oauth: invalidGrant('The subject_token has expired.') },
  subject_token_invalid: {
    problem: 'unauthenticated',
    message: 'The subject token is not valid.',
    oauth: invalidGrant('The subject_token is not a valid identity token issued for this webapp.'),
  },
  subject_is_impersonation_token: {
    problem: 'unauthenticated',
    message: 'An impersonation token cannot be exchanged again.',
    oauth: invalidGrant('An impersonation token cannot be exchanged again: send the viewer’s identity token.'),
  },
  subject_not_identity_token: {
    problem: 'unauthenticated',
    message: 'The subject token must be an identity token.',
    oauth: invalidGrant('The subject_token must be an identity token (typ behalf-id+jwt).'),
  },
  subject_anonymous: {
    problem: 'forbidden',
    message: 'An anonymous viewer cannot be acted for.',
    oauth: invalidGrant('An anonymous viewer cannot be acted for.'),
  },
  subject_unknown: { problem: 'not-found', message: 'The viewer no longer exists.', oauth: invalidGrant('The subject_token’s user no longer exists.') },
  subject_unknown_session: {
    problem: 'unauthenticated',
    message: 'The subject token is not a live session.',
    oauth: invalidGrant('The subject_token is not a live session.'),
  },
  subject_session_expired: {
    problem: 'unauthenticated',
    message: 'The subject token is not a live session.',
    oauth: invalidGrant('The subject_token is not a live session.'),
  },
  subject_session_idle_timeout: {
    problem: 'unauthenticated',
    message: 'The subject token is not a live session.',
    oauth: invalidGrant('The subject_token is not a live session.'),
  },

  // The acting policy (DESIGN.md's five rules): the exchange refuses with them, and an
  // impersonation token whose rule stopped holding is refused as `impersonation_revoked:<rule>`.
  impersonation_not_allowed: {
    problem: 'forbidden',
    message: 'This webapp does not allow impersonation.',
    oauth: unauthorizedClient('This webapp does not allow impersonation (its allowImpersonation setting is off).'),
  },
  run_stopped: {
    problem: 'unauthenticated',
    message: 'The webapp run this backend token belongs to has stopped.',
    oauth: unauthorizedClient('The webapp run of the actor_token has stopped.'),
  },
  not_run_identity: {
    problem: 'forbidden',
    message: 'The actor does not act as its run’s identity.',
    oauth: unauthorizedClient('The actor_token does not act as its run’s identity.'),
  },
  actor_disabled: { problem: 'forbidden', message: 'The user this webapp runs as is disabled.', oauth: denied('The user this webapp runs as is disabled.') },
  subject_disabled: { problem: 'forbidden', message: 'The viewer is disabled.', oauth: denied('The viewer is disabled.') },
  viewer_cannot_view: {
    problem: 'viewer-forbidden',
    message: 'The viewer may not view this webapp (its access setting).',
    oauth: denied('The viewer may not view this webapp (its access setting).'),
  },
  subject_is_admin: {
    problem: 'forbidden',
    message: 'Admins may not be impersonated.',
    oauth: denied('The viewer is an admin, and admins may not be impersonated (the global setting, or the actor is no admin).'),
  },
  no_grant: {
    problem: 'forbidden',
    message: 'No impersonation grant covers the actor and the viewer.',
    oauth: denied('No group of the user this webapp runs as holds an impersonation grant on a group of the viewer.'),
  },
  grant_expired: {
    problem: 'forbidden',
    message: 'The impersonation grant has expired.',
    oauth: denied('The impersonation grant between the groups of the actor and the viewer has expired.'),
  },
} as const satisfies Record<string, RefusalEntry>;

export type RefusalCode = keyof typeof REFUSALS;

/** The codes the token endpoint can answer with, typed so each has its RFC 6749 error. */
export type OAuthRefusalCode = { [C in RefusalCode]: (typeof REFUSALS)[C] extends { oauth: object } ? C : never }[RefusalCode];

/** How an audited decision or change ended: the audit log's `outcome`, a closed list. */
export const AUDIT_OUTCOMES = ['allowed', 'denied', 'succeeded', 'failed'] as const;

/**
 * Every action the audit log records, a closed list: a record's `action` is one of these, so a
 * filter by action, a dashboard or an alert can rely on the names.
 */
export const AUDIT_ACTIONS = [
  'access.denied',
  'api_key.create',
  'api_key.revoke',
  'auth.authenticate',
  'auth.lockout',
  'auth.login',
  'auth.logout',
  'bootstrap.admin',
  'bootstrap.gateway',
  'dataset.create',
  'dataset.delete',
  'dataset.file.create',
  'dataset.file.delete',
  'dataset.file.replace',
  'dataset.permission.remove',
  'dataset.permission.set',
  'dataset.update',
  'gateway.identity_token',
  'gateway.view',
  'group.create',
  'group.delete',
  'group.member.add',
  'group.member.remove',
  'group.update',
  'impersonation.check',
  'impersonation.grant.delete',
  'impersonation.grant.put',
  'impersonation.request',
  'kek.rewrap',
  'oauth.authorize',
  'oauth.code.redeem',
  'runtime.auth_info',
  'runtime.identity_token',
  'secret.consent.revoke',
  'secret.consent.set',
  'secret.create',
  'secret.delete',
  'secret.deliver',
  'secret.replace',
  'settings.security.update',
  'token.exchange',
  'tokens.key.rotate',
  'user.create',
  'user.delete',
  'user.update',
  'webapp.create',
  'webapp.delete',
  'webapp.run.refresh',
  'webapp.run.start',
  'webapp.run.stop',
  'webapp.run.upstream',
  'webapp.secret_names.decline',
  'webapp.secret_names.request',
  'webapp.settings.update',
  'webapp.update',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
