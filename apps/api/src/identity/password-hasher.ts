import { Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { randomSecret } from '../common/hashing';

/**
 * Argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane): tens of milliseconds here,
 * costly for an attacker holding the hashes.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';

  async onModuleInit(): Promise<void> {
    // Verified against when the login is unknown, so an unknown login costs what a wrong password costs.
    this.dummyHash = await argon2.hash(randomSecret(), OPTIONS);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  /** Verifies against `hash`, or against a dummy hash when there is none (same cost, always false). */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    const matches = await argon2.verify(hash ?? this.dummyHash, password).catch(() => false);
    return hash ? matches : false;
  }
}
