const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID (any case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A user named by id (UUID) or by login, as query parameters accept them. */
export type UserRef = { id: string; login?: undefined } | { login: string; id?: undefined };

/** Reads a query value as a user id when it is a UUID, else as a login (both lower-cased). */
export function userRef(value: string): UserRef {
  return UUID.test(value) ? { id: value.toLowerCase() } : { login: value.toLowerCase() };
}
