import { PasswordHasher } from './password-hasher';

describe(PasswordHasher.name, () => {
  const logged: unknown[] = [];
  const hasher = new PasswordHasher({ error: (...args: unknown[]) => void logged.push(args) });
  beforeAll(() => hasher.onModuleInit());

  it('hashes with Argon2id and verifies only the right password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same password here')).not.toBe(await hasher.hash('same password here'));
  });

  it('answers false without a hash, after doing the same work as a real check', async () => {
    expect(await hasher.verify(null, 'anything at all')).toBe(false);
    expect(await hasher.verify(undefined, '')).toBe(false);
  });

  it('answers false for a corrupt hash instead of throwing', async () => {
    expect(await hasher.verify('$argon2id$garbage', 'x')).toBe(false);
    expect(logged).toHaveLength(1);
  });
});
