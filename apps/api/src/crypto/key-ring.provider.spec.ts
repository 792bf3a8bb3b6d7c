import { ConfigError, loadConfig } from '../platform/config/config';
import { loadKeyRing } from './key-ring.provider';

const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');
const silent = { warn: () => undefined } as unknown as Parameters<typeof loadKeyRing>[1];

/** The ring crypto parses from `BEHALF_KEK`'s text, as the configuration keeps it. */
const ringOf = (text: string) => loadKeyRing(loadConfig({ BEHALF_KEK: text }, '/x'), silent);

/** The configuration problems a bad ring is reported with (the variable named, its value hidden). */
async function problemsOf(text: string): Promise<string[]> {
  const error = await ringOf(text).catch((e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.problems;
}

describe('the key ring from BEHALF_KEK', () => {
  it('parses every version and picks the highest as current', async () => {
    const ring = await ringOf(`1:${KEY_1},2:${KEY_2}`);
    expect(ring.versions).toEqual([1, 2]);
    expect(ring.currentVersion).toBe(2);
    expect(ring.key(1)?.toString('base64')).toBe(KEY_1);
  });

  it.each([
    ['not-a-ring', 'entry 1 is not <version>:<base64 key>'],
    [`0:${Buffer.alloc(32).toString('base64')}`, 'entry 1: versions start at 1'],
    [`1:${Buffer.alloc(16).toString('base64')}`, 'version 1: expected 32 bytes of key, got 16'],
    [`1:${Buffer.alloc(32).toString('base64')},1:${Buffer.alloc(32).toString('base64')}`, 'version 1 appears twice'],
  ])('refuses the key ring %s, hiding it', async (value, reason) => {
    const problems = await problemsOf(value);
    expect(problems).toEqual([`BEHALF_KEK=(hidden): expected a key ring "<version>:<base64 of 32 bytes>[,…]": ${reason}`]);
    expect(problems.join(' ')).not.toContain(value);
  });

  it('accepts base64url keys and picks the highest version as current', async () => {
    const ring = await ringOf(`7:${Buffer.alloc(32, 7).toString('base64url')}, 3:${KEY_1}`);
    expect(ring.currentVersion).toBe(7);
    expect(ring.key(7)).toEqual(Buffer.alloc(32, 7));
  });
});
