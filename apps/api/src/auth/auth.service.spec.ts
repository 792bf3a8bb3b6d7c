import { AuthService } from './auth.service';

/** Unit test of the login flow's cost and answers, with the database parts stubbed. */
describe(AuthService.name, () => {
  function build(user: { id: string; login: string; status: string; passwordHash: string | null } | null) {
    const verify = jest.fn(async (hash: string | null | undefined, password: string) => hash === 'hash-of-right' && password === 'right');
    const service = new AuthService(
      { findCredentials: jest.fn(async () => user), withGroups: jest.fn() } as never,
      { verify } as never,
      {
        attempt: jest.fn(async () => ({ allowed: true, next: {} })),
        succeeded: jest.fn(),
      } as never,
      { create: jest.fn() } as never,
      { record: jest.fn(async () => undefined) } as never,
      { run: jest.fn((work: () => Promise<unknown>) => work()) } as never,
      { now: () => new Date('2030-01-01T00:00:00Z') },
      { warn: jest.fn() } as never,
    );
    return { service, verify };
  }
  const ctx = { requestId: 'r', clientIp: '127.0.0.1' };

  it('verifies a password once for an unknown login too (against the dummy hash), so both cost the same', async () => {
    const unknown = build(null);
    await expect(unknown.service.login('ghost', 'whatever', ctx)).rejects.toMatchObject({ code: 'unauthenticated', detail: 'Invalid login or password.' });
    expect(unknown.verify).toHaveBeenCalledTimes(1);
    expect(unknown.verify).toHaveBeenCalledWith(undefined, 'whatever');

    const known = build({ id: 'u', login: 'ada', status: 'active', passwordHash: 'hash-of-right' });
    await expect(known.service.login('ada', 'wrong', ctx)).rejects.toMatchObject({ code: 'unauthenticated', detail: 'Invalid login or password.' });
    expect(known.verify).toHaveBeenCalledTimes(1);
  });

  it('verifies the password of a disabled user too, and answers like a wrong password', async () => {
    const disabled = build({ id: 'u', login: 'ada', status: 'disabled', passwordHash: 'hash-of-right' });
    await expect(disabled.service.login('ada', 'right', ctx)).rejects.toMatchObject({ code: 'unauthenticated', detail: 'Invalid login or password.' });
    expect(disabled.verify).toHaveBeenCalledTimes(1);
  });
});
