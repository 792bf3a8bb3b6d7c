/**
 * The key-encryption key ring and its text format (`<version>:<base64 of 32 bytes>[,…]`). The
 * configuration keeps `BEHALF_KEK`'s raw text; crypto parses it (`key-ring.provider.ts`) and names
 * the variable when it is wrong.
 */
import { randomBytes } from 'node:crypto';

/** Bytes of one key-encryption key: AES-256. */
const KEY_BYTES = 32;

/** Thrown when `BEHALF_KEK` (or the generated key file) is not a valid key ring. */
export class KeyRingFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyRingFormatError';
  }
}

/**
 * The key-encryption key ring `BEHALF_KEK`: comma-separated `<version>:<base64 of 32 bytes>`
 * entries, for example `1:3q2+7w…=,2:…`. Versions are positive whole numbers; the highest one is
 * the current key, which seals everything new. Older versions stay in the ring until
 * `kek:rewrap` has moved every record off them, so rotation never loses a value.
 */
export class KeyRing {
  private readonly keys: ReadonlyMap<number, Buffer>;
  readonly currentVersion: number;

  constructor(keys: ReadonlyMap<number, Buffer>) {
    if (keys.size === 0) throw new KeyRingFormatError('expected at least one key');
    this.keys = keys;
    this.currentVersion = Math.max(...keys.keys());
  }

  /** The key of `version`, or undefined when the ring lacks it. */
  key(version: number): Buffer | undefined {
    return this.keys.get(version);
  }

  get versions(): number[] {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }
}

/** Parses the ring's text form. The messages never quote key material. */
export function parseKeyRing(text: string): KeyRing {
  const keys = new Map<number, Buffer>();
  const entries = text.split(',').map((e) => e.trim());
  for (const [index, entry] of entries.entries()) {
    const match = /^(\d{1,6}):([A-Za-z0-9+/_-]+={0,2})$/.exec(entry);
    if (!match) throw new KeyRingFormatError(`entry ${index + 1} is not <version>:<base64 key>`);
    const version = Number(match[1]);
    if (version < 1) throw new KeyRingFormatError(`entry ${index + 1}: versions start at 1`);
    if (keys.has(version)) throw new KeyRingFormatError(`version ${version} appears twice`);
    const key = Buffer.from(match[2], match[2].includes('-') || match[2].includes('_') ? 'base64url' : 'base64');
    if (key.length !== KEY_BYTES) throw new KeyRingFormatError(`version ${version}: expected ${KEY_BYTES} bytes of key, got ${key.length}`);
    keys.set(version, key);
  }
  return new KeyRing(keys);
}

/** A new one-key ring in its text form, for development data directories. */
export function generateKeyRingText(): string {
  return `1:${randomBytes(KEY_BYTES).toString('base64')}`;
}
