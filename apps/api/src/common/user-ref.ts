import { isUuid } from '../kernel/uuid';

/** A user named by id (UUID) or by login, as query parameters accept them. */
export type UserRef = { id: string; login?: undefined } | { login: string; id?: undefined };

/** Reads a query value as a user id when it is a UUID, else as a login (both lower-cased). */
export function userRef(value: string): UserRef {
  return isUuid(value) ? { id: value.toLowerCase() } : { login: value.toLowerCase() };
}
