import type { Me, Page } from '@behalf/contracts';
import { anonymous, Client, CSRF, expectProblem, fieldErrors, loginAs, loginAsAdmin, ManualClock, SESSION, SessionClient } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, createUser, PASSWORD, userSession } from '../../test/fixtures/identity';
import { ADMIN_PASSWORD, sql, startTestApp, TestApp } from '../../test/harness';

const MINUTE = 60_000;

describe('password login and sessions', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: SessionClient;
  let nobody: Client;
  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestApp({
      clock,
      env: { BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: '1800', BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '7200' },
    });
    admin = await loginAsAdmin(t.app);
    nobody = anonymous(t.app);
  });
  afterAll(() => t.close());

  const login = (body: unknown, headers: Record<string, string> = {}) => nobody.request('POST', '/api/v1/auth/login', body, headers);

  it('logs in: sets the session and CSRF cookies, __Host- ones, and answers the same body as /auth/me', async () => {
    const res = await login({ login: 'ADMIN', password: ADMIN_PASSWORD });
    expect(res.statusCode).toBe(200);
    const cookies = res.headers['set-cookie'] as string[];
    expect(cookies).toHaveLength(2);
    const session = cookies.find((c) => c.startsWith(`${SESSION}=`))!;
    const csrf = cookies.find((c) => c.startsWith(`${CSRF}=`))!;
    expect(session).toMatch(/^__Host-behalf_session=[A-Za-z0-9_-]{43};/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    // What a browser requires of a __Host- cookie: Secure, Path=/, no Domain.
    for (const cookie of [session, csrf]) {
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; Path=\/(;|$)/);
      expect(cookie).not.toMatch(/domain=/i);
    }
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toMatch(/; SameSite=Lax/);
    const me = res.json<Me>();
    expect(me).toEqual({ id: expect.any(String), login: 'admin', displayName: 'Administrator', email: null, groups: ['admins'], permissions: ['admin'] });
    const client = await loginAsAdmin(t.app);
    expect((await client.request('GET', '/api/v1/auth/me')).json()).toEqual(me);
  });

  it('stores only a hash of the session cookie', async () => {
    const client = await loginAsAdmin(t.app);
    const rows = await sql(t.database.url, 'SELECT token_hash, csrf_hash FROM sessions');
    expect(JSON.stringify(rows)).not.toContain(client.sessionCookie);
    expect(JSON.stringify(rows)).not.toContain(client.csrfToken);
  });

  it('answers a wrong password, an unknown login and a disabled user alike (401, no hint)', async () => {
    const disabled = await createUser(admin, { status: 'disabled' });
    const known = await createUser(admin);
    const answers = await Promise.all([
      login({ login: known.login, password: 'wrong-password-123' }),
      login({ login: 'no-such-user', password: 'wrong-password-123' }),
      login({ login: disabled.login, password: PASSWORD }),
    ]);
    for (const res of answers) {
      const body = expectProblem(res, 401, 'unauthenticated');
      expect(body.detail).toBe('Invalid login or password.');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it.each([
    [{}, ['body.login', 'body.password']],
    [{ login: '', password: 'x' }, ['body.login']],
    [{ login: 'a', password: '' }, ['body.password']],
    [{ login: 'a', password: 5 }, ['body.password']],
    [{ login: 'a', password: 'b', remember: true }, ['body']],
  ])('refuses a malformed login body %j (400)', async (body, paths) => {
    expect(fieldErrors(await login(body))).toEqual(paths);
  });

  it('logs out: the session ends and its cookies are cleared', async () => {
    const { session } = await userSession(t.app, admin);
    const res = await session.request('POST', '/api/v1/auth/logout');
    expect(res.statusCode).toBe(204);
    // Cleared with the attributes a browser requires of a __Host- cookie, or it would keep them.
    const cleared = res.headers['set-cookie'] as string[];
    expect(cleared).toHaveLength(2);
    for (const name of [SESSION, CSRF]) {
      const line = cleared.find((c) => c.startsWith(`${name}=;`))!;
      expect(line).toMatch(/Expires=Thu, 01 Jan 1970/);
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; Path=\/(;|$)/);
    }
    expectProblem(await session.request('GET', '/api/v1/auth/me'), 401);
    expectProblem(await nobody.request('POST', '/api/v1/auth/logout'), 401);
  });

  it('reads a session’s groups and permissions afresh on every request, and refuses a revoked or disabled one', async () => {
    const { user, session } = await userSession(t.app, admin);
    expect((await session.request('GET', '/api/v1/auth/me')).json<Me>()).toMatchObject({ groups: [], permissions: [] });
    const builders = await createGroup(admin, { name: `b-${user.login}`, permissions: { mayCreateWebapps: true } });
    const curators = await createGroup(admin, { name: `a-${user.login}`, permissions: { mayManageDatasets: true } });
    await addMember(admin, builders.id, user.id);
    await addMember(admin, curators.id, user.id);
    // Both groups, by name, each with its permissions.
    const me = (await session.request('GET', '/api/v1/auth/me')).json<Me>();
    expect(me.groups).toEqual([curators.name, builders.name]);
    expect([...me.permissions].sort()).toEqual(['mayCreateWebapps', 'mayManageDatasets']);
    expect((await admin.request('PATCH', `/api/v1/groups/${builders.id}`, { permissions: { mayCreateWebapps: false } })).statusCode).toBe(200);
    expect((await session.request('GET', '/api/v1/auth/me')).json<Me>().permissions).toEqual(['mayManageDatasets']);

    expect((await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' })).statusCode).toBe(200);
    expectProblem(await session.request('GET', '/api/v1/auth/me'), 401);
    const other = await userSession(t.app, admin);
    await sql(t.database.url, 'UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [other.user.id]);
    expectProblem(await other.session.request('GET', '/api/v1/auth/me'), 401);
  });

  it('authenticates with its own services while another application runs in the same process, and after it stopped', async () => {
    // Passport's registry is per process: the other application's strategies must not answer for this one.
    const other = await startTestApp();
    try {
      const there = await loginAsAdmin(other.app);
      expect((await admin.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      expect((await there.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      const own = await apiKeyClient(t.app, admin);
      expect((await own.client.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    } finally {
      await other.close();
    }
    expect((await admin.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('/auth/me needs authentication', async () => {
    const res = await nobody.request('GET', '/api/v1/auth/me');
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="behalf"');
    expectProblem(await nobody.request('GET', '/api/v1/auth/me', undefined, { cookie: `${SESSION}=forged` }), 401);
  });

  it('takes a session only from the __Host- cookie: one under the plain name (a sibling origin can plant that) is not read', async () => {
    const { user, session } = await userSession(t.app, admin);
    const plain = `behalf_session=${session.sessionCookie}; behalf_csrf=${session.csrfToken}`;
    expect((await nobody.request('GET', '/api/v1/auth/me', undefined, { cookie: `${SESSION}=${session.sessionCookie}` })).statusCode).toBe(200);
    expectProblem(await nobody.request('GET', '/api/v1/auth/me', undefined, { cookie: plain }), 401, 'unauthenticated');
    // Beside the viewer's own session, a planted plain one changes nothing: the viewer stays who they are.
    const { user: attacker, session: planted } = await userSession(t.app, admin);
    const both = `behalf_session=${planted.sessionCookie}; ${SESSION}=${session.sessionCookie}`;
    const me = await nobody.request('GET', '/api/v1/auth/me', undefined, { cookie: both });
    expect(me.statusCode).toBe(200);
    expect(me.json<Me>().id).toBe(user.id);
    expect(attacker.id).not.toBe(user.id);
    // A planted plain CSRF cookie does not stand in for the __Host- one on a write.
    const write = await nobody.request(
      'POST',
      '/api/v1/api-keys',
      { name: 'planted csrf' },
      {
        cookie: `${SESSION}=${session.sessionCookie}; behalf_csrf=${session.csrfToken}`,
        'x-csrf-token': session.csrfToken,
      },
    );
    expect(expectProblem(write, 403, 'forbidden').detail).toContain(CSRF);
  });

  describe('timeouts', () => {
    it('ends a session after the idle timeout, and keeps an active one alive until the absolute timeout', async () => {
      const { session: idle } = await userSession(t.app, admin);
      const { session: active } = await userSession(t.app, admin);
      for (let i = 0; i < 3; i += 1) {
        clock.advance(20 * MINUTE);
        expect((await active.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      }
      // 60 minutes without a request: past the 30-minute idle timeout.
      const idleRes = await idle.request('GET', '/api/v1/auth/me');
      expect(expectProblem(idleRes, 401).detail).toMatch(/inactivity/);
      // Active every 20 minutes, yet 2 hours after login it ends.
      clock.advance(20 * MINUTE);
      expect((await active.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      clock.advance(20 * MINUTE);
      expect((await active.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      clock.advance(20 * MINUTE + 1);
      expect(expectProblem(await active.request('GET', '/api/v1/auth/me'), 401).detail).toMatch(/expired/);
      admin = await loginAsAdmin(t.app);
    });
  });

  describe('CSRF', () => {
    let session: SessionClient;
    beforeAll(async () => {
      session = await loginAsAdmin(t.app);
    });
    const cookie = () => `${SESSION}=${session.sessionCookie}; ${CSRF}=${session.csrfToken}`;
    const body = { name: 'csrf test' };

    it('refuses a cookie-authenticated write without X-CSRF-Token (403)', async () => {
      const res = await nobody.request('POST', '/api/v1/api-keys', body, { cookie: cookie() });
      expect(expectProblem(res, 403, 'forbidden').detail).toMatch(/X-CSRF-Token|x-csrf-token/i);
    });

    it('refuses a wrong token, and the token of another session', async () => {
      expectProblem(await nobody.request('POST', '/api/v1/api-keys', body, { cookie: cookie(), 'x-csrf-token': 'wrong' }), 403);
      const other = await loginAsAdmin(t.app);
      const mixed = `${SESSION}=${session.sessionCookie}; ${CSRF}=${other.csrfToken}`;
      expectProblem(await nobody.request('POST', '/api/v1/api-keys', body, { cookie: mixed, 'x-csrf-token': other.csrfToken }), 403);
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const [method, url] of [
        ['PUT', `/api/v1/groups/${unknown}/members/${unknown}`],
        ['PATCH', `/api/v1/users/${unknown}`],
        ['DELETE', `/api/v1/api-keys/${unknown}`],
      ] as const) {
        expectProblem(await nobody.request(method, url, {}, { cookie: cookie() }), 403);
      }
    });

    it('accepts the matching token, and does not ask it of reads or bearer calls', async () => {
      expect((await nobody.request('POST', '/api/v1/api-keys', body, { cookie: cookie(), 'x-csrf-token': session.csrfToken })).statusCode).toBe(201);
      expect((await nobody.request('GET', '/api/v1/auth/me', undefined, { cookie: cookie() })).statusCode).toBe(200);
      const key = await apiKeyClient(t.app, session);
      expect((await key.client.request('POST', '/api/v1/api-keys', body)).statusCode).toBe(201);
    });

    it('records each rejection in the audit log', async () => {
      const events = (await admin.request('GET', '/api/v1/audit-events?action=access.denied&limit=200')).json<Page<{ reason: string }>>();
      expect(events.items.filter((e) => e.reason === 'csrf_token_invalid').length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('brute force', () => {
    it('locks an account after 5 failures in 15 minutes (429 with Retry-After), even for the right password, until the lock expires', async () => {
      const user = await createUser(admin);
      for (let i = 0; i < 5; i += 1) expectProblem(await login({ login: user.login, password: `wrong-${i}-password` }), 401);
      const locked = await login({ login: user.login, password: PASSWORD });
      expectProblem(locked, 429, 'too-many-requests');
      expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
      expect(locked.json<{ detail: string }>().detail).toBe('Too many failed logins: try again in 15 minutes.');

      clock.advance(10 * MINUTE);
      const still = await login({ login: user.login, password: PASSWORD });
      expectProblem(still, 429);
      expect(Number(still.headers['retry-after'])).toBe(5 * 60);
      expect(still.json<{ detail: string }>().detail).toBe('Too many failed logins: try again in 5 minutes.');

      clock.advance(5 * MINUTE);
      expect((await login({ login: user.login, password: PASSWORD })).statusCode).toBe(200);
      admin = await loginAsAdmin(t.app);

      const lockouts = (await admin.request('GET', `/api/v1/audit-events?action=auth.lockout&actor=${user.id}`)).json<Page<unknown>>();
      expect(lockouts.items).toHaveLength(1);
    });

    it('does not lock on failures spread over more than 15 minutes, and a success resets the count', async () => {
      const user = await createUser(admin);
      for (let i = 0; i < 4; i += 1) expectProblem(await login({ login: user.login, password: 'wrong-password-x' }), 401);
      clock.advance(16 * MINUTE);
      for (let i = 0; i < 4; i += 1) expectProblem(await login({ login: user.login, password: 'wrong-password-x' }), 401);
      expect((await login({ login: user.login, password: PASSWORD })).statusCode).toBe(200);
      for (let i = 0; i < 4; i += 1) expectProblem(await login({ login: user.login, password: 'wrong-password-x' }), 401);
      expect((await login({ login: user.login, password: PASSWORD })).statusCode).toBe(200);
    });

    it('locks unknown logins the same way, so lockouts do not reveal which logins exist', async () => {
      for (let i = 0; i < 5; i += 1) expectProblem(await login({ login: 'ghost-account', password: 'whatever-password' }), 401);
      expectProblem(await login({ login: 'ghost-account', password: 'whatever-password' }), 429);
      clock.advance(15 * MINUTE);
    });

    it('limits failures per client address across accounts', async () => {
      clock.advance(16 * MINUTE); // a fresh window for this address
      // inject() connects from 127.0.0.1, and no proxy is trusted: a spoofed header changes nothing.
      const ip = { 'x-forwarded-for': '203.0.113.9' };
      let lastStatus = 0;
      for (let i = 0; i < 50; i += 1) {
        lastStatus = (await login({ login: `spray-${i}`, password: 'spray-password' }, ip)).statusCode;
      }
      expect(lastStatus).toBe(401);
      const blocked = await login({ login: 'spray-next', password: 'spray-password' });
      expectProblem(blocked, 429);
      // The address is blocked even for a valid account.
      expectProblem(await login({ login: 'admin', password: ADMIN_PASSWORD }), 429);
      clock.advance(15 * MINUTE);
      expect((await login({ login: 'admin', password: ADMIN_PASSWORD })).statusCode).toBe(200);
      admin = await loginAsAdmin(t.app);
    });
  });

  describe('credentials end at once', () => {
    beforeEach(async () => {
      admin = await loginAsAdmin(t.app);
    });

    it.each([
      ['a password change', (id: string) => admin.request('PATCH', `/api/v1/users/${id}`, { password: 'another-long-password' })],
      ['disabling', (id: string) => admin.request('PATCH', `/api/v1/users/${id}`, { status: 'disabled' })],
      ['deletion', (id: string) => admin.request('DELETE', `/api/v1/users/${id}`)],
    ])('%s ends every session and API key of the user', async (_label, change) => {
      const { user, session } = await userSession(t.app, admin);
      const second = await loginAs(t.app, user.login, PASSWORD);
      const key = await apiKeyClient(t.app, session);
      expect((await key.client.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      expect((await change(user.id)).statusCode).toBeLessThan(300);
      expectProblem(await session.request('GET', '/api/v1/auth/me'), 401);
      expectProblem(await second.request('GET', '/api/v1/auth/me'), 401);
      expectProblem(await key.client.request('GET', '/api/v1/auth/me'), 401);
    });
  });
});
