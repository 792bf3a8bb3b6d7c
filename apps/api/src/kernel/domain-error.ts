/**
 * What repositories (and other code below the services) throw: a fact about the data, in the
 * domain's words, knowing no HTTP. The one error classifier maps each kind to its problem (404,
 * 409); `detail` is shown to the caller, so it must never hold a secret.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'not_found' | 'already_exists' | 'conflict',
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

/** Nothing has that id (or name), or it went while the change was being made. */
export const notFound = (detail: string) => new DomainError('not_found', detail);
/** A unique name is taken. */
export const alreadyExists = (detail: string) => new DomainError('already_exists', detail);
/** The change would break an invariant of the data, or met a concurrent one. */
export const conflict = (detail: string) => new DomainError('conflict', detail);
