import type { Page, User } from '@behalf/contracts';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, createUser, PASSWORD, uniqueLogin, userSession } from '../../test/fixtures/identity';
import { startTestApp, TestApp } from '../../test/harness';

describe('/api/v1/users', () => {
  let t: TestApp;
  let admin: SessionClient;
  let nobody: Client;
  let regular: SessionClient;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    nobody = anonymous(t.app);
    regular = (await userSession(t.app, admin)).session;
  });
  afterAll(() => t.close());

  describe('POST', () => {
    it('creates a user, lower-casing the login, and never returns the password', async () => {
      const login = uniqueLogin('Ada.Lovelace@X');
      const res = await admin.request('POST', '/api/v1/users', { login, displayName: 'Ada', email: 'ada@example.com', password: PASSWORD });
      expect(res.statusCode).toBe(201);
      const user = res.json<User>();
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        login: login.toLowerCase(),
        displayName: 'Ada',
        email: 'ada@example.com',
        status: 'active',
        hasPassword: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(res.body).not.toContain(PASSWORD);
      expect(res.body).not.toMatch(/argon2|passwordHash/);
    });

    it('defaults the display name to the login and allows no password', async () => {
      const login = uniqueLogin();
      const user = (await admin.request('POST', '/api/v1/users', { login })).json<User>();
      expect(user).toMatchObject({ login, displayName: login, email: null, hasPassword: false });
    });

    it('refuses a login that differs only in case (409)', async () => {
      const login = uniqueLogin('dup');
      await createUser(admin, { login });
      const res = await admin.request('POST', '/api/v1/users', { login: login.toUpperCase() });
      expect(expectProblem(res, 409, 'conflict').detail).toContain(login);
    });

    it.each([
      [{ login: '' }, ['body.login']],
      [{ login: 'has space' }, ['body.login']],
      [{ login: 'x'.repeat(65) }, ['body.login']],
      [{ login: 'ok', email: 'not-an-email' }, ['body.email']],
      [{ login: 'ok', password: 'short' }, ['body.password']],
      [{ login: 'ok', status: 'asleep' }, ['body.status']],
      [{ login: 'ok', displayName: '' }, ['body.displayName']],
      [{ login: 'ok', isAdmin: true }, ['body']],
      [{}, ['body.login']],
    ])('refuses %j with a 400 naming %j', async (body, paths) => {
      expect(fieldErrors(await admin.request('POST', '/api/v1/users', body))).toEqual(paths);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      expectProblem(await nobody.request('POST', '/api/v1/users', { login: uniqueLogin() }), 401, 'unauthenticated');
      expectProblem(await regular.request('POST', '/api/v1/users', { login: uniqueLogin() }), 403, 'forbidden');
    });
  });

  describe('GET /:id', () => {
    it('returns the user', async () => {
      const user = await createUser(admin);
      const res = await admin.request('GET', `/api/v1/users/${user.id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(user);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectProblem(await admin.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000'), 404, 'not-found');
      expect(fieldErrors(await admin.request('GET', '/api/v1/users/nope'))).toEqual(['params.id']);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      expectProblem(await nobody.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000'), 401);
      expectProblem(await regular.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000'), 403);
    });
  });

  describe('GET /:id/groups', () => {
    it('lists the groups the user belongs to, by name, page by page, and no others', async () => {
      const user = await createUser(admin);
      const [b, a, other] = [
        await createGroup(admin, { name: uniqueLogin('b-grp') }),
        await createGroup(admin, { name: uniqueLogin('a-grp') }),
        await createGroup(admin),
      ];
      await addMember(admin, b.id, user.id);
      await addMember(admin, a.id, user.id);
      const first = await admin.request('GET', `/api/v1/users/${user.id}/groups?limit=1`);
      expect(first.statusCode).toBe(200);
      const page = first.json<Page<{ id: string; name: string }>>();
      expect(page.items.map((g) => g.id)).toEqual([a.id]);
      const second = (await admin.request('GET', `/api/v1/users/${user.id}/groups?limit=1&cursor=${page.nextCursor}`)).json<Page<{ id: string }>>();
      expect(second.items.map((g) => g.id)).toEqual([b.id]);
      expect(second.nextCursor).toBeUndefined();
      expect(JSON.stringify([page, second])).not.toContain(other.id);
    });

    it('answers 404 for an unknown user, and needs the admin permission', async () => {
      expectProblem(await admin.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000/groups'), 404, 'not-found');
      expectProblem(await regular.request('GET', `/api/v1/users/00000000-0000-4000-8000-000000000000/groups`), 403);
      expectProblem(await nobody.request('GET', `/api/v1/users/00000000-0000-4000-8000-000000000000/groups`), 401);
    });
  });

  describe('GET (list)', () => {
    it('pages through users in login order with a stable cursor', async () => {
      const prefix = `page${process.pid}x`;
      for (const n of ['c', 'a', 'e', 'b', 'd']) await createUser(admin, { login: `${prefix}${n}` });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await admin.request('GET', `/api/v1/users?q=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<Page<User>>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((u) => u.login));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `${prefix}${n}`));
    });

    it('filters by a case-insensitive prefix of login, display name or email', async () => {
      const tag = `zq${process.pid}`;
      const byLogin = await createUser(admin, { login: `${tag}login` });
      const byName = await createUser(admin, { displayName: `${tag.toUpperCase()} Name` });
      const byEmail = await createUser(admin, { email: `${tag}@example.com` });
      await createUser(admin, { displayName: `not ${tag}` });
      const page = (await admin.request('GET', `/api/v1/users?q=${tag.toUpperCase()}`)).json<Page<User>>();
      expect(page.items.map((u) => u.id).sort()).toEqual([byLogin.id, byName.id, byEmail.id].sort());
    });

    it('refuses a limit over 200, a bad cursor, and an empty q', async () => {
      expect(fieldErrors(await admin.request('GET', '/api/v1/users?limit=201'))).toEqual(['query.limit']);
      expect(fieldErrors(await admin.request('GET', '/api/v1/users?cursor=garbage'))).toEqual(['query.cursor']);
      expect(fieldErrors(await admin.request('GET', '/api/v1/users?q='))).toEqual(['query.q']);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      expectProblem(await nobody.request('GET', '/api/v1/users'), 401);
      expectProblem(await regular.request('GET', '/api/v1/users'), 403);
    });
  });

  describe('PATCH /:id', () => {
    it('updates fields and reports them back', async () => {
      const user = await createUser(admin);
      const res = await admin.request('PATCH', `/api/v1/users/${user.id}`, { displayName: 'New Name', email: 'new@example.com' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: user.id, displayName: 'New Name', email: 'new@example.com' });
      const cleared = await admin.request('PATCH', `/api/v1/users/${user.id}`, { email: null, password: null });
      expect(cleared.json()).toMatchObject({ email: null, hasPassword: false });
    });

    it.each([
      [{ email: 'x' }, ['body.email']],
      [{ status: 'gone' }, ['body.status']],
      [{ password: 'short' }, ['body.password']],
      [{ displayName: '' }, ['body.displayName']],
      [{ login: 'renamed' }, ['body']],
    ])('refuses %j with a 400 naming %j', async (body, paths) => {
      const user = await createUser(admin);
      expect(fieldErrors(await admin.request('PATCH', `/api/v1/users/${user.id}`, body))).toEqual(paths);
    });

    it('answers 404 for an unknown user', async () => {
      expectProblem(await admin.request('PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', { displayName: 'x' }), 404);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      const user = await createUser(admin);
      expectProblem(await nobody.request('PATCH', `/api/v1/users/${user.id}`, { displayName: 'x' }), 401);
      expectProblem(await regular.request('PATCH', `/api/v1/users/${user.id}`, { displayName: 'x' }), 403);
    });
  });

  describe('DELETE /:id', () => {
    it('removes the user with memberships, sessions and API keys; audit records keep id and login', async () => {
      const { user, session } = await userSession(t.app, admin);
      const group = await createGroup(admin);
      await addMember(admin, group.id, user.id);
      const key = await apiKeyClient(t.app, session);

      expect((await admin.request('DELETE', `/api/v1/users/${user.id}`)).statusCode).toBe(204);
      expectProblem(await admin.request('GET', `/api/v1/users/${user.id}`), 404);
      expectProblem(await session.request('GET', '/api/v1/auth/me'), 401);
      expectProblem(await key.client.request('GET', '/api/v1/auth/me'), 401);
      const members = (await admin.request('GET', `/api/v1/groups/${group.id}/members`)).json<Page<unknown>>();
      expect(members.items).toEqual([]);
      const audit = (await admin.request('GET', '/api/v1/audit-events?action=user.delete')).json<
        Page<{ target: { id: string }; details: { login: string } }>
      >();
      expect(audit.items[0]).toMatchObject({ target: { id: user.id }, details: { login: user.login } });
      const logins = (await admin.request('GET', `/api/v1/audit-events?actor=${user.id}&action=auth.login`)).json<Page<{ actor: { login: string } }>>();
      expect(logins.items[0].actor.login).toBe(user.login);
    });

    it('answers 404 for an unknown user', async () => {
      expectProblem(await admin.request('DELETE', '/api/v1/users/00000000-0000-4000-8000-000000000000'), 404);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      const user = await createUser(admin);
      expectProblem(await nobody.request('DELETE', `/api/v1/users/${user.id}`), 401);
      expectProblem(await regular.request('DELETE', `/api/v1/users/${user.id}`), 403);
    });
  });
});
