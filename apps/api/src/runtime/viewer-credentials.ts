import { GATEWAY_IDENTITY_HEADERS } from '@behalf/contracts';
import { parse as parseCookies } from 'cookie';

/** The viewer credential found in a browser request's headers, as a webapp backend passes them on. */
export type ViewerCredential = { kind: 'identity_token'; token: string } | { kind: 'session'; token: string } | { kind: 'none' };

const BEARER_JWT = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const JWT = /^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** Every value of header `name` (names are case-insensitive; values strings or arrays of them). */
function valuesOf(headers: Readonly<Record<string, string | readonly string[]>>, name: string): string[] {
  return Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, value]) => (typeof value === 'string' ? [value] : [...value]));
}

/**
 * The viewer's credential: the identity token the gateway injects in `X-Behalf-Identity` comes
 * first, then one in `Authorization: Bearer` (as other proxies inject it), else the session
 * cookie, `sessionCookie` (its name as the API sets it: a plain `behalf_session` where the API's
 * is `__Host-behalf_session` may have been planted by a sibling origin). Another kind of
 * `Authorization` (the webapp's own, say) is not Behalf's and is passed over. A token present is
 * never traded for a cookie when it fails: the caller refuses it.
 */
export function viewerCredentialOf(headers: Readonly<Record<string, string | readonly string[]>>, sessionCookie: string): ViewerCredential {
  for (const identity of valuesOf(headers, GATEWAY_IDENTITY_HEADERS.identity)) {
    const match = JWT.exec(identity.trim());
    if (match) return { kind: 'identity_token', token: match[1] };
  }
  for (const authorization of valuesOf(headers, 'authorization')) {
    const match = BEARER_JWT.exec(authorization.trim());
    if (match) return { kind: 'identity_token', token: match[1] };
  }
  // Several Cookie headers (HTTP/2 splits them) are one list.
  const cookies = parseCookies(valuesOf(headers, 'cookie').join('; '));
  const session = cookies[sessionCookie];
  return session ? { kind: 'session', token: session } : { kind: 'none' };
}
