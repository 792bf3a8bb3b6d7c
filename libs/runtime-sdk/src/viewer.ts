import {
  ANONYMOUS_LOGIN,
  ANONYMOUS_SUBJECT,
  behalfCookieIn,
  GATEWAY_IDENTITY_HEADERS,
  identityAudience,
  identityTokenClaimsSchema,
  SESSION_COOKIE,
  SIGNING_ALGORITHMS,
  TOKEN_TYPES,
} from '@behalf/contracts';
import { errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import { InvalidIdentityError, InvalidIdentityReason } from './errors';

/** Who is viewing the webapp, as Behalf vouches for them. */
export interface Viewer {
  /** The login, or `Anonymous`. */
  login: string;
  /** null for the anonymous viewer. */
  userId: string | null;
  displayName: string;
  email: string | null;
  /** Names of the viewer's groups. */
  groups: string[];
  anonymous: boolean;
}

/** The credential a viewer was recognised by: what `asViewer` exchanges. Kept out of the object itself, so logging a viewer logs no token. */
export type ViewerCredential = { kind: 'identity_token'; token: string } | { kind: 'session'; token: string };

const credentials = new WeakMap<Viewer, ViewerCredential>();

export function withCredential(viewer: Viewer, credential: ViewerCredential | undefined): Viewer {
  const frozen = Object.freeze({ ...viewer, groups: Object.freeze([...viewer.groups]) as string[] });
  if (credential) credentials.set(frozen, credential);
  return frozen;
}

export function credentialOf(viewer: Viewer): ViewerCredential | undefined {
  return credentials.get(viewer);
}

/** Request headers as Node, Express, Fastify, Flask-like adapters or the Fetch API hold them. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;
/** A request object that has `headers` (Express, Fastify, Node's `IncomingMessage`, Fetch `Request`). */
export type RequestLike = { headers: HeadersLike };

export function headersOf(input: HeadersLike | RequestLike): HeadersLike {
  if (typeof Headers !== 'undefined' && input instanceof Headers) return input;
  const maybe = input as RequestLike;
  return maybe.headers && typeof maybe.headers === 'object' && !Array.isArray(maybe.headers) ? maybe.headers : (input as HeadersLike);
}

/** Every value of header `name` (case-insensitive). */
export function headerValues(headers: HeadersLike, name: string): string[] {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  return Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, value]) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
}

/** The identity token the gateway put in `X-Behalf-Identity`, if any. */
export function identityTokenOf(headers: HeadersLike): string | undefined {
  return headerValues(headers, GATEWAY_IDENTITY_HEADERS.identity)[0]?.trim() || undefined;
}

/**
 * The session cookie a browser sent (a webapp reached without the gateway), if any:
 * `__Host-behalf_session`, else `behalf_session` (development over plain HTTP). Which one counts
 * is the API's to decide; the headers are passed on whole.
 */
export function sessionOf(headers: HeadersLike): string | undefined {
  return behalfCookieIn(headerValues(headers, 'cookie').join('; '), SESSION_COOKIE);
}

/**
 * Verifies an identity token locally: signature by a key of Behalf's JWKS, an algorithm Behalf
 * signs with (never `none` or HMAC), `typ: behalf-id+jwt`, the issuer, `aud: webapp:<id>`, its
 * times (with `clockToleranceSeconds` of skew) and the shape of its claims.
 */
export async function verifyIdentityToken(
  token: string,
  keys: JWTVerifyGetKey,
  expected: { issuer: string; webappId: string; clockToleranceSeconds: number; now: number },
): Promise<Viewer> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...SIGNING_ALGORITHMS],
      typ: TOKEN_TYPES.identity,
      issuer: expected.issuer,
      audience: identityAudience(expected.webappId),
      clockTolerance: expected.clockToleranceSeconds,
      currentDate: new Date(expected.now),
      requiredClaims: ['iat', 'exp', 'sub', 'jti'],
    }));
  } catch (error) {
    throw new InvalidIdentityError(reasonOf(error));
  }
  const claims = identityTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidIdentityError('claims');
  const c = claims.data;
  const anonymous = c.sub === ANONYMOUS_SUBJECT;
  return withCredential(
    {
      login: anonymous ? ANONYMOUS_LOGIN : c.preferred_username,
      userId: anonymous ? null : c.sub,
      displayName: anonymous ? ANONYMOUS_LOGIN : (c.name ?? c.preferred_username),
      email: c.email ?? null,
      groups: c.groups,
      anonymous,
    },
    anonymous ? undefined : { kind: 'identity_token', token },
  );
}

function reasonOf(error: unknown): InvalidIdentityReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return 'type';
      case 'iss':
        return 'issuer';
      case 'aud':
        return 'audience';
      case 'nbf':
      case 'iat':
        return 'not_yet_valid';
      default:
        return 'claims';
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'signature';
  return 'malformed';
}
