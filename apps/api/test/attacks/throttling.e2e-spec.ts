import type { AuditEvent, Page } from '@behalf/contracts';
import { anonymous, expectProblem, loginAsAdmin, ManualClock, Response, SessionClient } from '../clients';
import { apiKeyClient, createUser, PASSWORD } from '../fixtures/identity';
import { authInfo, exchangeParams, impersonationWorld, tokenRequest } from '../fixtures/runtime';
import { createWebapp, startRun } from '../fixtures/webapps';
import { AuthService } from '../../src/auth/auth.service';
import { ADMIN_PASSWORD, sql, startTestApp, TestApp } from '../harness';

const MINUTE = 60_000;

/** Replays of issue 14's attacks on throttling (5, 6) and on the runtime's rate limits. */
describe('attacks on throttling', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: SessionClient;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    // inject() connects from 127.0.0.1: trusting it as a proxy lets X-Forwarded-For name the client.
    t = await startTestApp({ clock, env: { BEHALF_TRUSTED_PROXIES: '127.0.0.1' } });
    admin = await loginAsAdmin(t.app);
  });
  afterAll(() => t?.close());

  const login = (login: string, password: string, from: string): Promise<Response> =>
    anonymous(t.app).request('POST', '/api/v1/auth/login', { login, password }, { 'x-forwarded-for': from });
  const statuses = (responses: Response[]) => responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.statusCode]: (n[r.statusCode] ?? 0) + 1 }), {});

  describe('5. a lockout race', () => {
    it('verifies exactly 5 of 40 parallel guesses at one account, and a right password after them is refused', async () => {
      const user = await createUser(admin);
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login(user.login, `wrong-password-${i}`, '203.0.113.10')));
      expect(statuses(results)).toEqual({ 401: 5, 429: 35 });
      const right = await login(user.login, PASSWORD, '203.0.113.10');
      expectProblem(right, 429, 'too-many-requests');
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      const lockouts = (await admin.request('GET', `/api/v1/audit-events?action=auth.lockout&actor=${user.id}`)).json<Page<AuditEvent>>().items;
      expect(lockouts).toHaveLength(1);
    });

    it('verifies exactly 50 of 120 parallel failures from one address', async () => {
      const results = await Promise.all(Array.from({ length: 120 }, (_, i) => login(`spray-${i}`, 'spray-password', '203.0.113.11')));
      expect(statuses(results)).toEqual({ 401: 50, 429: 70 });
      // The address waits; others do not.
      expectProblem(await login('admin', ADMIN_PASSWORD, '203.0.113.11'), 429);
      expect((await login('admin', ADMIN_PASSWORD, '203.0.113.12')).statusCode).toBe(200);
    });
  });

  describe('6. a lockout as denial of service', () => {
    it('locks one address out of an account, never its owner elsewhere', async () => {
      const user = await createUser(admin);
      for (let i = 0; i < 5; i += 1) expectProblem(await login(user.login, 'wrong-password-x', '198.51.100.66'), 401);
      expectProblem(await login(user.login, PASSWORD, '198.51.100.66'), 429);
      expect((await login(user.login, PASSWORD, '192.0.2.44')).statusCode).toBe(200);
    });

    it('counts IPv6 clients per /64', async () => {
      const user = await createUser(admin);
      for (let i = 1; i <= 5; i += 1) expectProblem(await login(user.login, 'wrong-password-y', `2001:db8:1:2::${i}`), 401);
      expectProblem(await login(user.login, PASSWORD, '2001:db8:1:2:ffff::99'), 429);
      expect((await login(user.login, PASSWORD, '2001:db8:1:3::1')).statusCode).toBe(200);
    });

    it('slows a distributed guesser with growing, capped delays, without locking the owner out', async () => {
      const user = await createUser(admin);
      for (let i = 0; i < 10; i += 1) expectProblem(await login(user.login, 'wrong-password-z', `192.0.2.${100 + i}`), 401);
      const throttled = await login(user.login, 'wrong-password-z', '192.0.2.120');
      expectProblem(throttled, 429);
      const wait = Number(throttled.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(300);
      clock.advance(wait * 1000);
      expect((await login(user.login, PASSWORD, '192.0.2.121')).statusCode).toBe(200);
      const denied = (await admin.request('GET', '/api/v1/audit-events?action=auth.login&outcome=denied&limit=100')).json<Page<AuditEvent>>().items;
      expect(denied.map((e) => e.reason)).toEqual(expect.arrayContaining(['account_throttled', 'account_locked_out', 'client_locked_out']));
      clock.advance(16 * MINUTE);
    });
  });

  describe('a flood of made-up logins', () => {
    it('leaves no lasting rows: counters past the longest window that lock nothing are forgotten', async () => {
      for (let i = 0; i < 3; i += 1) expectProblem(await login(`made-up-${i}`, 'any-password-at-all', '198.51.100.200'), 401);
      const rows = async () => (await sql<{ key: string }>(t.database.url, "SELECT key FROM login_throttles WHERE key LIKE '%made-up-%'")).length;
      expect(await rows()).toBe(6);
      const auth = t.app.get(AuthService);
      await auth.forgetStaleThrottles();
      expect(await rows()).toBe(6);
      clock.advance(24 * 60 * MINUTE + 1000);
      await auth.forgetStaleThrottles();
      expect(await rows()).toBe(0);
    });
  });

  describe('runtime rate limits per run', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ env: { BEHALF_RUNTIME_RATE_PER_SECOND: '2' } });
    });
    afterAll(() => limited?.close());

    it('answers 429 with Retry-After to a run calling the runtime API too often, and only to that run', async () => {
      const limitedAdmin = (await apiKeyClient(limited.app, await loginAsAdmin(limited.app))).client;
      const webapp = await createWebapp(limitedAdmin);
      const [busy, calm] = [await startRun(limited.app, limitedAdmin, webapp.id), await startRun(limited.app, limitedAdmin, webapp.id)];
      const results: Response[] = [];
      for (let i = 0; i < 8; i += 1) results.push(await authInfo(busy.backend, {}));
      const refused = results.filter((r) => r.statusCode === 429);
      expect(refused.length).toBeGreaterThan(0);
      expectProblem(refused[0], 429, 'too-many-requests');
      const wait = Number(refused[0].headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(1);
      // The wait in words, as Retry-After says it.
      expect(refused[0].json<{ detail: string }>().detail).toBe(
        `This webapp run calls the runtime API too often: try again in ${wait} second${wait === 1 ? '' : 's'}.`,
      );
      expect((await authInfo(calm.backend, {})).statusCode).not.toBe(429);
    });

    it('answers the token endpoint over the limit with temporarily_unavailable (429, Retry-After)', async () => {
      const limitedAdmin = (await apiKeyClient(limited.app, await loginAsAdmin(limited.app))).client;
      const w = await impersonationWorld(limited.app, limitedAdmin);
      const results: Response[] = [];
      for (let i = 0; i < 8; i += 1) results.push(await tokenRequest(limited.app, exchangeParams(w.idToken, w.backendToken)));
      const refused = results.find((r) => r.statusCode === 429);
      expect(refused?.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.stringMatching(/^This webapp run exchanges tokens too often: try again in \d+ seconds?\.$/),
        reason: 'run_rate_limited',
      });
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused?.json<{ error_description: string }>().error_description).toContain(` ${refused?.headers['retry-after']} second`);
      expect(refused?.headers['cache-control']).toBe('no-store');
    });
  });
});
