import { randomUUID } from 'node:crypto';
import { RefusalCode, SIGNING_ALGORITHMS } from '@behalf/contracts';
import { errors, JWTHeaderParameters, JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { z } from 'zod';
import type { ActiveSigningKey, VerifyKey } from './signing-keys.service';

/** Tolerated clock difference between replicas (and verifiers), in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface JwtToSign {
  typ: string;
  issuer: string;
  subject: string;
  audience: string;
  lifetimeSeconds: number;
  now: Date;
  claims?: Record<string, unknown>;
}

export interface SignedJwt {
  token: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Signs a JWT with every registered claim DESIGN.md requires (`iss iat nbf exp jti`, `kid` header). */
export async function signJwt(key: ActiveSigningKey, jwt: JwtToSign): Promise<SignedJwt> {
  const iat = Math.floor(jwt.now.getTime() / 1000);
  const exp = iat + jwt.lifetimeSeconds;
  const jti = randomUUID();
  const token = await new SignJWT({ ...jwt.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: jwt.typ })
    .setIssuer(jwt.issuer)
    .setSubject(jwt.subject)
    .setAudience(jwt.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(key.privateKey);
  return { token, jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
}

/** Why a JWT was refused (codes of the catalogue): expired ones get their own message, everything else is just invalid. */
export type JwtRefusal = Extract<RefusalCode, 'token_expired' | 'token_invalid'>;

export class JwtRefusedError extends Error {
  constructor(
    readonly reason: JwtRefusal,
    /** jose's code (`ERR_JWT_EXPIRED`, …), or `ERR_CLAIMS_SHAPE` when the claims are not the kind's. */
    readonly code: string,
  ) {
    super(reason);
    this.name = 'JwtRefusedError';
  }
}

/**
 * The verified payload as the claims of its kind (a zod schema from the contracts).
 * @throws JwtRefusedError when a claim is missing or has the wrong shape
 */
export function claimsOf<T>(schema: z.ZodType<T>, payload: JWTPayload): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new JwtRefusedError('token_invalid', 'ERR_CLAIMS_SHAPE');
  return parsed.data;
}

export interface JwtExpectations {
  typ: string;
  issuer: string;
  audience: string;
  now: Date;
  /** The published key `kid` for algorithm `alg`, or undefined. */
  keyFor(kid: string | undefined, alg: string | undefined): Promise<VerifyKey | undefined>;
}

/**
 * Verifies a JWT the way DESIGN.md tells every verifier to: the algorithm pinned to the
 * allow-list and to the key's own, then `typ`, `iss`, `aud`, `exp` and `nbf`, with every
 * registered claim Behalf issues required. `alg: none` and HMAC never reach a key.
 * @throws JwtRefusedError
 */
export async function verifyJwt(token: string, expected: JwtExpectations): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        const key = await expected.keyFor(header.kid, header.alg);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [...SIGNING_ALGORITHMS],
        typ: expected.typ,
        issuer: expected.issuer,
        audience: expected.audience,
        currentDate: expected.now,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti'],
      },
    );
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new JwtRefusedError('token_expired', error.code);
    if (error instanceof errors.JOSEError) throw new JwtRefusedError('token_invalid', error.code);
    throw error;
  }
}
