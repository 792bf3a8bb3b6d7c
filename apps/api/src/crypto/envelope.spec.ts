import { KekVersionMissingError, open, rewrap, seal, UnsealError } from './envelope';
import { KeyRing, parseKeyRing } from './key-ring';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const ring1 = parseKeyRing(`1:${key(1)}`);
const ring12 = parseKeyRing(`1:${key(1)},2:${key(2)}`);
const plaintext = Buffer.from('s3cret value', 'utf8');

describe('envelope encryption', () => {
  it('opens what it sealed, under the current KEK', () => {
    const sealed = seal(ring12, plaintext, 'secret:u1:db');
    expect(sealed.kekVersion).toBe(2);
    expect(open(ring12, sealed, 'secret:u1:db')).toEqual(plaintext);
  });

  it('never stores the plaintext or the same ciphertext twice', () => {
    const a = seal(ring1, plaintext, 'c');
    const b = seal(ring1, plaintext, 'c');
    expect(a.ciphertext.includes(plaintext)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  it('refuses to open under another context', () => {
    const sealed = seal(ring1, plaintext, 'secret:u1:db');
    expect(() => open(ring1, sealed, 'secret:u2:db')).toThrow(UnsealError);
  });

  it('refuses a tampered ciphertext or wrapped key', () => {
    const sealed = seal(ring1, plaintext, 'c');
    const flip = (b: Buffer, i: number) => Buffer.from(b.map((x, j) => (j === i ? x ^ 1 : x)));
    expect(() => open(ring1, { ...sealed, ciphertext: flip(sealed.ciphertext, 14) }, 'c')).toThrow(UnsealError);
    expect(() => open(ring1, { ...sealed, wrappedKey: flip(sealed.wrappedKey, 14) }, 'c')).toThrow(UnsealError);
    expect(() => open(ring1, { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) }, 'c')).toThrow(UnsealError);
  });

  it('refuses a wrong key ring', () => {
    const sealed = seal(ring1, plaintext, 'c');
    expect(() => open(parseKeyRing(`1:${key(9)}`), sealed, 'c')).toThrow(UnsealError);
  });

  it('refuses a record relabelled with another KEK version', () => {
    const sealed = seal(ring12, plaintext, 'c');
    const twin = new KeyRing(
      new Map([
        [1, Buffer.alloc(32, 2)],
        [2, Buffer.alloc(32, 2)],
      ]),
    );
    expect(() => open(twin, { ...sealed, kekVersion: 1 }, 'c')).toThrow(UnsealError);
  });

  it('names the missing KEK version', () => {
    const sealed = seal(ring12, plaintext, 'c');
    expect(() => open(ring1, sealed, 'c')).toThrow(new KekVersionMissingError(2));
  });

  it('re-wraps to the current KEK without touching the ciphertext', () => {
    const sealed = seal(ring1, plaintext, 'c');
    const moved = rewrap(ring12, sealed, 'c');
    expect(moved.kekVersion).toBe(2);
    expect(moved.ciphertext).toEqual(sealed.ciphertext);
    expect(open(parseKeyRing(`2:${key(2)}`), moved, 'c')).toEqual(plaintext);
  });
});
