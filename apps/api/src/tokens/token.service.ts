import { Inject, Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { CLOCK, Clock } from '../common/clock';
import { CONFIG, Config } from '../config/config';
import { SignedJwt, signJwt, verifyJwt } from './jwt';
import { SigningKeys } from './signing-keys.service';

/** Issues and verifies Behalf's JWTs with the current keys; the issuer is `BEHALF_PUBLIC_URL`. */
@Injectable()
export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  get issuer(): string {
    return this.config.http.publicUrl;
  }

  async issue(input: { typ: string; subject: string; audience: string; lifetimeSeconds: number; claims?: Record<string, unknown> }): Promise<SignedJwt> {
    return signJwt(await this.keys.signingKey(), { ...input, issuer: this.issuer, now: this.clock.now() });
  }

  /** @throws JwtRefusedError */
  verify(token: string, expected: { typ: string; audience: string }): Promise<JWTPayload> {
    return verifyJwt(token, {
      ...expected,
      issuer: this.issuer,
      now: this.clock.now(),
      keyFor: (kid, alg) => this.keys.verificationKey(kid, alg),
    });
  }
}
