import type { GatewayViewerIdentity } from '@behalf/contracts';
import { cookieName, GATEWAY_IDENTITY_HEADERS } from '@behalf/contracts';

/** The gateway's cookies on a webapp origin: its session, and the sign-in in progress. */
export const SESSION_COOKIE = 'behalf_gw';
export const SIGN_IN_COOKIE = 'behalf_gw_auth';

/**
 * The gateway's cookie names on webapp origins served over `https` or not: `__Host-` ones where
 * Secure, which no other webapp (a sibling origin) can plant for this one's, and only those read.
 */
export function gatewayCookies(secure: boolean): { session: string; signIn: string } {
  return { session: cookieName(SESSION_COOKIE, secure), signIn: cookieName(SIGN_IN_COOKIE, secure) };
}

/** Headers the gateway sets itself, or that some proxy uses to say who the user is. */
const FORGEABLE = new Set([
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-groups',
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
  'remote-user',
  'x-remote-user',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
  'x-request-id',
]);
const FORGEABLE_PREFIXES = ['x-behalf-', 'x-auth-request-'];
/**
 * Hop-by-hop (RFC 9110 §7.6.1) or the gateway's to decide. `Expect: 100-continue` was answered to
 * the client already (Node does), and the upstream request carries the whole body anyway.
 */
const HOP_BY_HOP = new Set([
  'expect',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'host',
]);
/** A websocket handshake's own headers: the upstream handshake makes its own. */
const WEBSOCKET_HANDSHAKE = new Set([
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);

/** The names a `Connection` header lists (lower case): hop-by-hop for this message alone. */
export function connectionListed(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** A header name as the gateway compares it: lower case, `_` read as `-` (servers such as WSGI's read them alike). */
export function canonicalName(name: string): string {
  return canonicalOfLower(name.toLowerCase());
}

/** {@link canonicalName} of a name already lower-cased (most have no `_`: no new string then). */
function canonicalOfLower(lower: string): string {
  return lower.includes('_') ? lower.replace(/_/g, '-') : lower;
}

/** A client may not send this header to a webapp: the gateway removes it (and may set its own). */
export function isForgeable(name: string): boolean {
  return isForgeableCanonical(canonicalName(name));
}

function isForgeableCanonical(canonical: string): boolean {
  return FORGEABLE.has(canonical) || FORGEABLE_PREFIXES.some((p) => canonical.startsWith(p));
}

/** Cookies a backend must never hold: the gateway's, and a viewer's Behalf session and CSRF token. */
export function isCredentialCookie(name: string): boolean {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/^__(host|secure)-/, '');
  return n === 'behalf_session' || n === 'behalf_csrf' || n.startsWith('behalf_gw');
}

/** The Cookie header without credential cookies; undefined when nothing is left. */
export function filterCookies(header: string): string | undefined {
  const kept = header
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !isCredentialCookie(c.split('=', 1)[0]));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** Whether an Authorization value carries a Behalf credential (API key, gateway session, a JWT from this issuer). */
export function isBehalfAuthorization(value: string, issuer: string): boolean {
  if (/\b(bhk|bgs)_/.test(value)) return true;
  const token = /^\s*(?:bearer|dpop)\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*\s*$/i.exec(value);
  if (!token) return false;
  try {
    const header = JSON.parse(Buffer.from(token[1], 'base64url').toString('utf8')) as { typ?: unknown };
    const claims = JSON.parse(Buffer.from(token[2], 'base64url').toString('utf8')) as { iss?: unknown };
    return claims.iss === issuer || (typeof header.typ === 'string' && /^behalf-|^at\+jwt$/i.test(header.typ));
  } catch {
    return false;
  }
}

export interface Propagation {
  header: boolean;
  jwt: boolean;
}

export interface ForwardContext {
  issuer: string;
  /** null: an anonymous viewer. */
  viewer: GatewayViewerIdentity | null;
  propagation: Propagation;
  identityToken?: string;
  clientIp: string;
  proto: 'http' | 'https';
  host: string;
  requestId: string;
  /** A websocket handshake: its Sec-WebSocket-* headers are the upstream handshake's own. */
  websocket?: boolean;
}

/** Header values stay ASCII: anything else (and `%`, `,`) percent-encoded. */
const headerSafe = (value: string) => value.replace(/[^\x21-\x24\x26-\x2b\x2d-\x7e ]/g, (c) => encodeURIComponent(c));

/**
 * The headers a proxied request carries to the webapp, built from the client's raw headers (so
 * every spelling and every repetition is seen): identity-like and gateway-set headers removed in
 * every spelling, credential cookies and Behalf `Authorization` removed, hop-by-hop headers
 * dropped; then the viewer's identity (per the webapp's settings) and forwarding headers added.
 */
export function forwardHeaders(rawHeaders: readonly string[], ctx: ForwardContext): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const cookies: string[] = [];
  // Headers the client's Connection header lists are for the gateway's hop alone (RFC 9110 §7.6.1).
  let listed: string[] | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === 10 && canonicalName(rawHeaders[i]) === 'connection') (listed ??= []).push(...connectionListed(rawHeaders[i + 1]));
  }
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const value = rawHeaders[i + 1];
    const lower = rawHeaders[i].toLowerCase();
    const canonical = canonicalOfLower(lower);
    if (isForgeableCanonical(canonical) || HOP_BY_HOP.has(canonical) || (ctx.websocket && WEBSOCKET_HANDSHAKE.has(lower))) continue;
    if (listed?.includes(lower)) continue;
    if (canonical === 'cookie') {
      cookies.push(value);
      continue;
    }
    if (canonical === 'authorization' && isBehalfAuthorization(value, ctx.issuer)) continue;
    const seen = out[lower];
    if (seen === undefined) out[lower] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[lower] = [seen, value];
  }
  const cookie = cookies.length > 0 ? filterCookies(cookies.join('; ')) : undefined;
  if (cookie) out.cookie = cookie;
  const v = ctx.viewer;
  if (ctx.propagation.header) {
    out[GATEWAY_IDENTITY_HEADERS.user] = v ? headerSafe(v.login) : 'Anonymous';
    if (v) {
      out[GATEWAY_IDENTITY_HEADERS.userId] = v.id;
      out[GATEWAY_IDENTITY_HEADERS.groups] = v.groups.map((g) => encodeURIComponent(g)).join(',');
      if (v.email) out[GATEWAY_IDENTITY_HEADERS.email] = headerSafe(v.email);
    }
  }
  if (ctx.propagation.jwt && ctx.identityToken) out[GATEWAY_IDENTITY_HEADERS.identity] = ctx.identityToken;
  out['x-forwarded-for'] = ctx.clientIp;
  out['x-forwarded-proto'] = ctx.proto;
  out['x-forwarded-host'] = ctx.host;
  const forIp = ctx.clientIp.includes(':') ? `"[${ctx.clientIp}]"` : ctx.clientIp;
  out.forwarded = `for=${forIp};proto=${ctx.proto};host="${ctx.host}"`;
  out['x-request-id'] = ctx.requestId;
  return out;
}

type Headers = Record<string, string | string[] | undefined>;

/** Response headers about one connection (RFC 9110 §7.6.1), never passed on from the upstream. */
const HOP_BY_HOP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate']);

/** An upstream response's headers without the hop-by-hop ones (and those its `Connection` lists). */
export function endToEnd(headers: Headers): Headers {
  const listed = connectionListed(headers.connection);
  const out: Headers = {};
  for (const name of Object.keys(headers)) {
    if (!HOP_BY_HOP_RESPONSE.has(name) && !listed.includes(name)) out[name] = headers[name];
  }
  return out;
}
