import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/**
 * A value sealed by envelope encryption: the plaintext under a fresh AES-256-GCM data key, and
 * that data key under the ring's key-encryption key `kekVersion`. Both layers authenticate
 * `context` (what the value is and whose), so a sealed value copied onto another record fails to
 * open. Re-wrapping to a new KEK rewrites only `wrappedKey`.
 */
export interface Sealed {
  kekVersion: number;
  /** iv ‖ AES-256-GCM(KEK, data key) ‖ tag */
  wrappedKey: Buffer;
  /** iv ‖ AES-256-GCM(data key, plaintext) ‖ tag */
  ciphertext: Buffer;
}

/** The ring lacks the KEK version a record was sealed with. */
export class KekVersionMissingError extends Error {
  constructor(readonly version: number) {
    super(`sealed with key-encryption key version ${version}, which BEHALF_KEK does not contain`);
    this.name = 'KekVersionMissingError';
  }
}

/** Authentication failed: a wrong key, a tampered record or one moved to another context. */
export class UnsealError extends Error {
  constructor() {
    super('cannot be decrypted: wrong key-encryption key, or the record was altered or moved');
    this.name = 'UnsealError';
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new UnsealError();
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new UnsealError();
  }
}

// The wrapped key's AAD names the KEK version too, so a wrapped key cannot be relabelled.
const wrapAad = (version: number, context: string) => Buffer.from(`behalf:dek:v${version}:${context}`, 'utf8');
const dataAad = (context: string) => Buffer.from(`behalf:data:${context}`, 'utf8');

function kek(ring: KeyRing, version: number): Buffer {
  const key = ring.key(version);
  if (!key) throw new KekVersionMissingError(version);
  return key;
}

function unwrap(ring: KeyRing, sealed: Sealed, context: string): Buffer {
  return decrypt(kek(ring, sealed.kekVersion), sealed.wrappedKey, wrapAad(sealed.kekVersion, context));
}

function wrap(ring: KeyRing, dataKey: Buffer, context: string): Pick<Sealed, 'kekVersion' | 'wrappedKey'> {
  const version = ring.currentVersion;
  return { kekVersion: version, wrappedKey: encrypt(kek(ring, version), dataKey, wrapAad(version, context)) };
}

/** Seals `plaintext` under the ring's current KEK, bound to `context`. */
export function seal(ring: KeyRing, plaintext: Buffer, context: string): Sealed {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    return { ...wrap(ring, dataKey, context), ciphertext: encrypt(dataKey, plaintext, dataAad(context)) };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Opens what {@link seal} made for the same `context`.
 * @throws KekVersionMissingError when the ring lacks the record's KEK version
 * @throws UnsealError when any authentication check fails
 */
export function open(ring: KeyRing, sealed: Sealed, context: string): Buffer {
  const dataKey = unwrap(ring, sealed, context);
  try {
    return decrypt(dataKey, sealed.ciphertext, dataAad(context));
  } finally {
    dataKey.fill(0);
  }
}

/** Re-wraps the data key under the current KEK; the ciphertext is untouched. */
export function rewrap(ring: KeyRing, sealed: Sealed, context: string): Sealed {
  const dataKey = unwrap(ring, sealed, context);
  try {
    // Prove the data key still opens the value before committing to the new wrapping.
    decrypt(dataKey, sealed.ciphertext, dataAad(context));
    return { ...wrap(ring, dataKey, context), ciphertext: sealed.ciphertext };
  } finally {
    dataKey.fill(0);
  }
}
