import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader } from 'jose';
import type { z } from 'zod';
import { CLOCK, Clock } from '../kernel/clock';
import { CONFIG, Config } from '../platform/config/config';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { claimsOf, CLOCK_TOLERANCE_SECONDS, JwtRefusedError, SignedJwt, signJwt, verifyJwt } from './jwt';
import { SigningKeys } from './signing-keys.service';

/** The most verified tokens remembered; when full, the memory starts over. */
const MAX_VERIFIED = 10_000;

interface Verified {
  claims: unknown;
  /** Until when the token verifies (its `exp` plus the tolerated clock difference). */
  validUntilMs: number;
  /** The signing keys' generation it was verified under: a key change forgets it. */
  keys: string;
}

/**
 * Signs and verifies Behalf's JWTs with the current keys (the issuer is `BEHALF_PUBLIC_URL`). Each
 * kind of token has its own issue/parse pair beside it (`backend-token.ts`, `identity-token.ts`,
 * `impersonation-token.ts`); this is what they share.
 */
@Injectable()
export class TokenService {
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly feed: ChangeFeed,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  get issuer(): string {
    return this.config.http.publicUrl;
  }

  async issue(input: { typ: string; subject: string; audience: string; lifetimeSeconds: number; claims?: Record<string, unknown> }): Promise<SignedJwt> {
    return signJwt(await this.keys.signingKey(), { ...input, issuer: this.issuer, now: this.clock.now() });
  }

  /**
   * The token's claims, as `schema` types them, once its signature, `typ`, `iss`, `aud` and times hold.
   * @throws JwtRefusedError
   */
  async verify<T>(token: string, expected: { typ: string; audience: string }, schema: z.ZodType<T>): Promise<T> {
    const payload = await verifyJwt(token, {
      ...expected,
      issuer: this.issuer,
      now: this.clock.now(),
      keyFor: (kid, alg) => this.keys.verificationKey(kid, alg),
    });
    return claimsOf(schema, payload);
  }

  /**
   * {@link verify}, remembering tokens that verified until they expire, for credentials presented
   * again and again (a backend token on every call). Only the signature and claims checks are
   * saved: whether the run, user or grant still holds is the caller's to check on every use.
   * A signing-key change forgets everything.
   * @throws JwtRefusedError
   */
  async verifyRemembered<T extends { exp: number }>(token: string, expected: { typ: string; audience: string }, schema: z.ZodType<T>): Promise<T> {
    const key = `${expected.typ} ${expected.audience} ${token}`;
    const keys = this.feed.tableGeneration('signing_keys');
    const nowMs = this.clock.now().getTime();
    const hit = this.verified.get(key);
    if (hit && hit.keys === keys) {
      if (nowMs < hit.validUntilMs) return hit.claims as T;
      this.verified.delete(key);
      throw new JwtRefusedError('token_expired', 'ERR_JWT_EXPIRED');
    }
    const claims = await this.verify(token, expected, schema);
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    if (keys === this.feed.tableGeneration('signing_keys')) {
      this.verified.set(key, { claims, validUntilMs: (claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000, keys });
    }
    return claims;
  }
}

/** The `typ` header of a JWT, unverified: only to choose how to verify it. */
export function tokenTypeOf(token: string): string | undefined {
  try {
    const typ = decodeProtectedHeader(token).typ;
    return typeof typ === 'string' ? typ.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
