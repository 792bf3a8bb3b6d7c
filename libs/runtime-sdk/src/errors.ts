import type { Problem } from '@behalf/contracts';

/**
 * Every error the SDK throws on purpose. `status` is what a webapp should answer its own caller
 * when it lets the error through (the middleware does), `code` a stable name to switch on.
 */
export class BehalfError extends Error {
  constructor(
    message: string,
    /** A stable name: `run_stopped`, `identity_missing`, `no_grant`, … */
    readonly code: string,
    /** The HTTP status this error is best answered with. */
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** `fromEnv()` or the constructor got a missing or malformed setting. */
export class ConfigurationError extends BehalfError {
  constructor(message: string) {
    super(message, 'configuration', 500);
  }
}

/**
 * The run is over (stopped, past its lifetime, or its identity lost its authority): its backend
 * token cannot be refreshed. Every later call fails the same way at once; a new run is needed.
 */
export class RunStoppedError extends BehalfError {
  constructor(detail: string) {
    super(`The webapp run has ended: ${detail}`, 'run_stopped', 503);
  }
}

/** The request carries no viewer credential: no `X-Behalf-Identity` (is the webapp behind the gateway, with identity propagation by JWT on?) and no session. */
export class IdentityMissingError extends BehalfError {
  constructor() {
    super('The request carries no viewer identity: open the webapp through the Behalf gateway.', 'identity_missing', 401);
  }
}

/** Why an identity token was refused. */
export type InvalidIdentityReason = 'malformed' | 'signature' | 'algorithm' | 'type' | 'issuer' | 'audience' | 'expired' | 'not_yet_valid' | 'claims';

/**
 * `X-Behalf-Identity` is not a valid identity token for this webapp: forged, expired, issued for
 * another webapp (`audience`, answered 403) or of another kind (`type`).
 */
export class InvalidIdentityError extends BehalfError {
  constructor(readonly reason: InvalidIdentityReason) {
    super(`The viewer identity token was refused (${reason}).`, `identity_${reason}`, reason === 'audience' ? 403 : 401);
  }
}

/** `asViewer` was given the anonymous viewer: nobody to act as. */
export class AnonymousViewerError extends BehalfError {
  constructor() {
    super('The viewer is anonymous: there is nobody to act as. Ask them to sign in.', 'viewer_anonymous', 401);
  }
}

/**
 * Behalf refused to let this run act as the viewer. `reason` is the policy's catalogue code
 * (`no_grant`, `subject_disabled`, `impersonation_not_allowed`, `subject_is_admin`, …), the same the
 * audit record names. `status` is 401 when the viewer's own credential no longer counts
 * (`subject_token_expired`, a dead session: they must sign in again), else 403.
 */
export class ImpersonationDeniedError extends BehalfError {
  constructor(
    readonly reason: string,
    description: string,
    status: number,
  ) {
    super(description, reason, status);
  }
}

/** Too many token exchanges for this run: wait `retryAfterSeconds`. */
export class RateLimitedError extends BehalfError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Behalf rate-limited this run: retry in ${retryAfterSeconds} s.`, 'rate_limited', 429);
  }
}

/**
 * The API answered a problem (RFC 9457): not found, forbidden, validation, … `problem` is its
 * body; `code` its kind (`not-found`, `forbidden`, `viewer-unauthenticated`, …).
 */
export class ApiProblemError extends BehalfError {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title, problemCode(problem), problem.status);
  }
}

/** The viewer's session or identity token was refused by the API (`viewer-unauthenticated`). */
export class ViewerUnauthenticatedError extends ApiProblemError {}

/** The viewer may not view this webapp (`viewer-forbidden`). */
export class ViewerForbiddenError extends ApiProblemError {}

/** Behalf could not be reached, or answered something that is not Behalf's (a bug or a misconfigured URL). */
export class BehalfUnavailableError extends BehalfError {
  constructor(detail: string) {
    super(`Behalf is unavailable: ${detail}`, 'behalf_unavailable', 502);
  }
}

function problemCode(problem: Problem): string {
  const slash = problem.type.lastIndexOf('/');
  return slash >= 0 ? problem.type.slice(slash + 1) : problem.type;
}

/** The typed error for a problem body. */
export function problemError(problem: Problem): ApiProblemError {
  switch (problemCode(problem)) {
    case 'viewer-unauthenticated':
      return new ViewerUnauthenticatedError(problem);
    case 'viewer-forbidden':
      return new ViewerForbiddenError(problem);
    default:
      return new ApiProblemError(problem);
  }
}

/** The typed error for a non-2xx answer's parsed body: its problem, or a sign the answer is not Behalf's. */
export function errorFromBody(body: unknown, status: number): BehalfError {
  const problem = body as Partial<Problem> | undefined;
  if (problem && typeof problem.type === 'string' && typeof problem.status === 'number') return problemError(problem as Problem);
  return new BehalfUnavailableError(`HTTP ${status} without a problem body`);
}

/** Reads a non-2xx answer of the API as its typed error. */
export async function errorOf(res: Response): Promise<BehalfError> {
  return errorFromBody(await res.json().catch(() => undefined), res.status);
}
