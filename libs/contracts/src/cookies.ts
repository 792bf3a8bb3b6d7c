/** Behalf's cookie names, and how a reader finds them (dependency-free: the console loads this module from its source). */

/** Cookie names of a browser session (where cookies are Secure they carry {@link HOST_ONLY_PREFIX}). */
export const SESSION_COOKIE = 'behalf_session';
export const CSRF_COOKIE = 'behalf_csrf';

/**
 * The prefix of every Behalf cookie that is Secure (everywhere but development over plain HTTP).
 * A browser keeps a `__Host-` cookie only when it is Secure, has `Path=/` and no `Domain`, so a
 * sibling origin (a webapp at `<slug>.apps.example.com`, whose scripts and backend are not ours)
 * cannot plant one for the API's host or for another webapp (cookie tossing: its own session, so
 * that a viewer acts as someone else without noticing).
 */
export const HOST_ONLY_PREFIX = '__Host-';

/** Cookie `name` as it is set: with {@link HOST_ONLY_PREFIX} where it is Secure. */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `${HOST_ONLY_PREFIX}${name}` : name;
}

/**
 * Cookie `name`'s value in a `Cookie` header (or `document.cookie`), for a reader that cannot know
 * whether Behalf's cookies are Secure (a webapp's SDK, the console): the `__Host-` spelling first,
 * which no sibling origin can have planted; the plain one otherwise. Values are returned as sent.
 */
export function behalfCookieIn(cookies: string, name: string): string | undefined {
  let plain: string | undefined;
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (value === '') continue;
    if (key === `${HOST_ONLY_PREFIX}${name}`) return value;
    if (key === name) plain ??= value;
  }
  return plain;
}
