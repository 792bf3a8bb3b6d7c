import { PROBLEM_KINDS, PROBLEM_TYPE_BASE, Problem, ProblemCode, ProblemFieldError } from '@behalf/contracts';

/**
 * A domain error that maps to one RFC 9457 problem. Services throw it; the one exception filter
 * turns it into the response. `detail` is shown to the caller, so it must never hold a secret.
 */
export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: ProblemFieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  get status(): number {
    return PROBLEM_KINDS[this.code].status;
  }
}

/** Builds the problem body for `code`; `instance` carries the request id. */
export function problemBody(code: ProblemCode, detail: string, requestId?: string, errors?: ProblemFieldError[]): Problem {
  const kind = PROBLEM_KINDS[code];
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: kind.title,
    status: kind.status,
    detail,
    ...(requestId ? { instance: `urn:behalf:request:${requestId}` } : {}),
    ...(errors ? { errors } : {}),
  };
}
