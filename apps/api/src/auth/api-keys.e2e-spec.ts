import type { ApiKey, Me, Page } from '@behalf/contracts';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, ManualClock, SessionClient, withApiKey } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, userSession } from '../../test/fixtures/identity';
import { sql, startTestApp, TestApp } from '../../test/harness';

describe('/api/v1/api-keys', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: SessionClient;
  let nobody: Client;
  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestApp({ clock, env: { BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: '31536000', BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '31536000' } });
    admin = await loginAsAdmin(t.app);
    nobody = anonymous(t.app);
  });
  afterAll(() => t.close());

  it('creates a key shown once, which then authenticates as its owner', async () => {
    const { user, session } = await userSession(t.app, admin);
    const res = await session.request('POST', '/api/v1/api-keys', { name: 'ci', expiresAt: '2030-06-01T00:00:00Z' });
    expect(res.statusCode).toBe(201);
    const created = res.json<ApiKey & { key: string }>();
    expect(created).toMatchObject({ name: 'ci', userId: user.id, expiresAt: '2030-06-01T00:00:00.000Z', revokedAt: null, lastUsedAt: null });
    expect(created.key).toMatch(/^bhk_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);

    const me = await withApiKey(t.app, created.key).request('GET', '/api/v1/auth/me');
    expect(me.json<Me>().id).toBe(user.id);

    const list = await session.request('GET', '/api/v1/api-keys');
    const secret = created.key.slice(-43)!;
    expect(list.body).not.toContain(secret);
    const listed = list.json<Page<ApiKey>>().items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: created.id, prefix: created.prefix, lastUsedAt: expect.any(String) });
    expect(listed[0]).not.toHaveProperty('key');
  });

  it('stores only a hash of the secret', async () => {
    const { key } = await apiKeyClient(t.app, admin);
    const rows = await sql(t.database.url, 'SELECT * FROM api_keys');
    expect(JSON.stringify(rows)).not.toContain(key.slice(-43));
  });

  it('refuses a revoked key at once', async () => {
    const key = await apiKeyClient(t.app, admin);
    expect((await admin.request('DELETE', `/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);
    expect((await admin.request('DELETE', `/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);
    const res = await key.client.request('GET', '/api/v1/auth/me');
    expect(expectProblem(res, 401, 'unauthenticated').detail).toBe('The API key has been revoked.');
    const listed = (await admin.request('GET', '/api/v1/api-keys')).json<Page<ApiKey>>().items.find((k) => k.id === key.id);
    expect(listed?.revokedAt).toEqual(expect.any(String));
  });

  it("authenticates as the owner's groups and permissions at each request, and refuses a disabled owner's key (disabling revokes it)", async () => {
    const { user, session } = await userSession(t.app, admin);
    const key = await apiKeyClient(t.app, session);
    expect((await key.client.request('GET', '/api/v1/auth/me')).json<Me>()).toMatchObject({ id: user.id, login: user.login, groups: [], permissions: [] });
    const writers = await createGroup(admin, { name: `b-writers-${user.login}`, permissions: { mayCreateWebapps: true } });
    const readers = await createGroup(admin, { name: `a-readers-${user.login}` });
    await addMember(admin, writers.id, user.id);
    await addMember(admin, readers.id, user.id);
    const me = (await key.client.request('GET', '/api/v1/auth/me')).json<Me>();
    expect(me.groups).toEqual([readers.name, writers.name]);
    expect(me.permissions).toEqual(['mayCreateWebapps']);
    expect((await key.client.request('POST', '/api/v1/webapps', { name: `app-${user.login}`, kind: 'standard' })).statusCode).toBe(201);

    expect((await admin.request('DELETE', `/api/v1/groups/${writers.id}/members/${user.id}`)).statusCode).toBe(204);
    expect((await key.client.request('GET', '/api/v1/auth/me')).json<Me>()).toMatchObject({ groups: [readers.name], permissions: [] });
    expectProblem(await key.client.request('POST', '/api/v1/webapps', { name: `app2-${user.login}`, kind: 'standard' }), 403);

    expect((await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' })).statusCode).toBe(200);
    expect(expectProblem(await key.client.request('GET', '/api/v1/auth/me'), 401, 'unauthenticated').detail).toBe('The API key has been revoked.');
  });

  it('refuses an expired key', async () => {
    const key = await apiKeyClient(t.app, admin, { expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect((await key.client.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    clock.advance(60_000);
    expect(expectProblem(await key.client.request('GET', '/api/v1/auth/me'), 401).detail).toBe('The API key has expired.');
  });

  it.each([
    ['a malformed key', 'bhk_nope'],
    ['an unknown id', 'bhk_00000000-0000-4000-8000-000000000000_' + 'A'.repeat(43)],
  ])('refuses %s (401)', async (_label, key) => {
    expectProblem(await withApiKey(t.app, key).request('GET', '/api/v1/auth/me'), 401, 'unauthenticated');
  });

  it('refuses a wrong secret for a real id, and never falls back to a valid session cookie', async () => {
    const key = await apiKeyClient(t.app, admin);
    const forged = `bhk_${key.id}_${'B'.repeat(43)}`;
    expectProblem(await withApiKey(t.app, forged).request('GET', '/api/v1/auth/me'), 401);
    const res = await admin.request('GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${forged}` });
    expectProblem(res, 401);
    const failures = (await admin.request('GET', '/api/v1/audit-events?action=auth.authenticate&outcome=failed')).json<Page<{ reason: string }>>();
    expect(failures.items.map((e) => e.reason)).toContain('unknown_api_key');
  });

  it('refuses other Authorization schemes (401)', async () => {
    expectProblem(await nobody.request('GET', '/api/v1/auth/me', undefined, { authorization: 'Basic YWRtaW46eA==' }), 401);
  });

  it.each([
    [{}, ['body.name']],
    [{ name: '' }, ['body.name']],
    [{ name: 'x'.repeat(101) }, ['body.name']],
    [{ name: 'k', expiresAt: 'tomorrow' }, ['body.expiresAt']],
    [{ name: 'k', expiresAt: '2000-01-01T00:00:00Z' }, ['body.expiresAt']],
    [{ name: 'k', scopes: [] }, ['body']],
  ])('refuses %j (400)', async (body, paths) => {
    expect(fieldErrors(await admin.request('POST', '/api/v1/api-keys', body))).toEqual(paths);
  });

  it('lets owners see and revoke only their own keys; admins see and revoke anyone’s', async () => {
    const alice = await userSession(t.app, admin);
    const bob = await userSession(t.app, admin);
    const aliceKey = await apiKeyClient(t.app, alice.session);

    expectProblem(await bob.session.request('GET', `/api/v1/api-keys?userId=${alice.user.id}`), 403, 'forbidden');
    expectProblem(await bob.session.request('GET', '/api/v1/api-keys?userId=*'), 403, 'forbidden');
    expectProblem(await bob.session.request('DELETE', `/api/v1/api-keys/${aliceKey.id}`), 404, 'not-found');
    expect((await aliceKey.client.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);

    const seen = (await admin.request('GET', `/api/v1/api-keys?userId=${alice.user.id}`)).json<Page<ApiKey>>();
    expect(seen.items.map((k) => k.id)).toEqual([aliceKey.id]);
    const all = (await admin.request('GET', '/api/v1/api-keys?userId=*&limit=200')).json<Page<ApiKey>>();
    expect(all.items.map((k) => k.id)).toContain(aliceKey.id);
    expect((await admin.request('DELETE', `/api/v1/api-keys/${aliceKey.id}`)).statusCode).toBe(204);
    expectProblem(await aliceKey.client.request('GET', '/api/v1/auth/me'), 401);
  });

  it('pages through keys newest first', async () => {
    const owner = await userSession(t.app, admin);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await apiKeyClient(t.app, owner.session, { name: `k${i}` })).id);
      clock.advance(1000);
    }
    const first = (await owner.session.request('GET', '/api/v1/api-keys?limit=2')).json<Page<ApiKey>>();
    const second = (await owner.session.request('GET', `/api/v1/api-keys?limit=2&cursor=${first.nextCursor}`)).json<Page<ApiKey>>();
    expect([...first.items, ...second.items].map((k) => k.id)).toEqual(ids.reverse());
    expect(second.nextCursor).toBeUndefined();
  });

  it('answers 400 for malformed ids and queries', async () => {
    expect(fieldErrors(await admin.request('DELETE', '/api/v1/api-keys/nope'))).toEqual(['params.id']);
    expect(fieldErrors(await admin.request('GET', '/api/v1/api-keys?userId=nope'))).toEqual(['query.userId']);
    expect(fieldErrors(await admin.request('GET', '/api/v1/api-keys?limit=0'))).toEqual(['query.limit']);
  });

  it('needs authentication on every route (401)', async () => {
    expectProblem(await nobody.request('POST', '/api/v1/api-keys', { name: 'x' }), 401);
    expectProblem(await nobody.request('GET', '/api/v1/api-keys'), 401);
    expectProblem(await nobody.request('DELETE', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000'), 401);
  });
});
