import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from '@behalf/server';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { randomSecret } from '../common/hashing';
import { LOGGER } from '../platform/logging/logger.token';

/**
 * Argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane): tens of milliseconds here,
 * costly for an attacker holding the hashes.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  constructor(@Inject(LOGGER) private readonly logger: Pick<Logger, 'error'>) {}

  async onModuleInit(): Promise<void> {
    // Verified against when the login is unknown, so an unknown login costs what a wrong password costs.
    this.dummyHash = await hash(randomSecret(), OPTIONS);
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /**
   * Verifies against `hash`, or against a dummy hash when there is none (same cost, always false).
   * A stored hash argon2 cannot read never matches, and its cause is logged (never the hash).
   */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    const matches = await verify(stored ?? this.dummyHash, password).catch((error: unknown) => {
      this.logger.error({ err: error }, 'a stored password hash cannot be read: it never matches');
      return false;
    });
    return stored ? matches : false;
  }
}
