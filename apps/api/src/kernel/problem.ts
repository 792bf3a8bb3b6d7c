import { PROBLEM_KINDS, ProblemCode, ProblemFieldError } from '@behalf/contracts';

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
