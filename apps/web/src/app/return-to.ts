/**
 * Where the login page may send a person afterwards. Nothing else: a login page that followed any
 * URL it was given would be an open redirect.
 */

/** An authorization request on this server (a webapp's sign-in through the gateway), continued after login. */
export function authorizeReturnTo(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('/oauth/authorize?') && !/[\r\n\\]/.test(value) && value.length <= 4096 ? value : undefined;
}

/** A console page to go back to after login: a path on this origin, never another site or the login page. */
export function consolePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048 || !value.startsWith('/') || value.startsWith('//') || /[\r\n\\]/.test(value)) return undefined;
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/login/')) return undefined;
  // Paths the API owns are not console pages.
  if (/^\/(api|oauth|\.well-known)(\/|$|\?)/.test(value)) return undefined;
  return value;
}
