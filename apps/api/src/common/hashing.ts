import { createHash, randomBytes } from 'node:crypto';

/** Hex SHA-256: how high-entropy secrets (session cookies, API key secrets) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** A random 256-bit secret, base64url (43 characters). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
