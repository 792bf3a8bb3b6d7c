import type { Group, GroupMember, Me, Page } from '@behalf/contracts';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { addMember, createGroup, createUser, uniqueLogin, userSession } from '../../test/fixtures/identity';
import { startTestApp, TestApp } from '../../test/harness';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('/api/v1/groups', () => {
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

  it('creates, reads, lists, updates and deletes a group', async () => {
    const name = uniqueLogin('Data Scientists ');
    const created = await admin.request('POST', '/api/v1/groups', { name, description: 'DS', permissions: { mayCreateWebapps: true } });
    expect(created.statusCode).toBe(201);
    const group = created.json<Group>();
    expect(group).toMatchObject({ name, description: 'DS', permissions: { admin: false, mayCreateWebapps: true, mayManageDatasets: false } });

    expect((await admin.request('GET', `/api/v1/groups/${group.id}`)).json()).toEqual(group);
    const list = (await admin.request('GET', '/api/v1/groups?limit=200')).json<Page<Group>>();
    expect(list.items.map((g) => g.id)).toContain(group.id);

    const updated = await admin.request('PATCH', `/api/v1/groups/${group.id}`, { description: 'changed', permissions: { mayManageDatasets: true } });
    expect(updated.json()).toMatchObject({ description: 'changed', permissions: { mayCreateWebapps: true, mayManageDatasets: true } });

    expect((await admin.request('DELETE', `/api/v1/groups/${group.id}`)).statusCode).toBe(204);
    expectProblem(await admin.request('GET', `/api/v1/groups/${group.id}`), 404);
  });

  it('pages through groups by name', async () => {
    const prefix = `pg${process.pid}`;
    for (const n of ['3', '1', '2']) await createGroup(admin, { name: `${prefix}-${n}` });
    const first = (await admin.request('GET', '/api/v1/groups?limit=1')).json<Page<Group>>();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBeDefined();
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await admin.request('GET', `/api/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json<Page<Group>>();
      names.push(...page.items.map((g) => g.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual([...names].sort());
    expect(names.filter((n) => n.startsWith(prefix))).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
  });

  it('refuses a duplicate name (409)', async () => {
    const group = await createGroup(admin);
    expectProblem(await admin.request('POST', '/api/v1/groups', { name: group.name }), 409, 'conflict');
    const other = await createGroup(admin);
    expectProblem(await admin.request('PATCH', `/api/v1/groups/${other.id}`, { name: group.name }), 409, 'conflict');
  });

  it.each([
    [{}, ['body.name']],
    [{ name: '' }, ['body.name']],
    [{ name: '-starts-with-dash' }, ['body.name']],
    [{ name: 'ok', description: 1001 }, ['body.description']],
    [{ name: 'ok', permissions: { admin: 'yes' } }, ['body.permissions.admin']],
    [{ name: 'ok', permissions: { superuser: true } }, ['body.permissions']],
    [{ name: 'ok', extra: 1 }, ['body']],
  ])('refuses %j with a 400 naming %j', async (body, paths) => {
    expect(fieldErrors(await admin.request('POST', '/api/v1/groups', body))).toEqual(paths);
  });

  it('refuses a description over 1000 characters', async () => {
    expect(fieldErrors(await admin.request('POST', '/api/v1/groups', { name: 'ok', description: 'x'.repeat(1001) }))).toEqual(['body.description']);
  });

  it('answers 404 for unknown groups and 400 for malformed ids on every route', async () => {
    expectProblem(await admin.request('GET', `/api/v1/groups/${UNKNOWN}`), 404);
    expectProblem(await admin.request('PATCH', `/api/v1/groups/${UNKNOWN}`, { description: 'x' }), 404);
    expectProblem(await admin.request('DELETE', `/api/v1/groups/${UNKNOWN}`), 404);
    expectProblem(await admin.request('GET', `/api/v1/groups/${UNKNOWN}/members`), 404);
    const user = await createUser(admin);
    expectProblem(await admin.request('PUT', `/api/v1/groups/${UNKNOWN}/members/${user.id}`), 404);
    const group = await createGroup(admin);
    expectProblem(await admin.request('PUT', `/api/v1/groups/${group.id}/members/${UNKNOWN}`), 404);
    expectProblem(await admin.request('DELETE', `/api/v1/groups/${group.id}/members/${UNKNOWN}`), 404);
    expect(fieldErrors(await admin.request('GET', '/api/v1/groups/x'))).toEqual(['params.id']);
    expect(fieldErrors(await admin.request('PUT', `/api/v1/groups/${group.id}/members/x`))).toEqual(['params.userId']);
  });

  it('needs authentication (401) and the admin permission (403) on every route', async () => {
    const group = await createGroup(admin);
    const user = await createUser(admin);
    const routes: [string, string, unknown?][] = [
      ['POST', '/api/v1/groups', { name: uniqueLogin('g') }],
      ['GET', '/api/v1/groups'],
      ['GET', `/api/v1/groups/${group.id}`],
      ['PATCH', `/api/v1/groups/${group.id}`, { description: 'x' }],
      ['DELETE', `/api/v1/groups/${group.id}`],
      ['GET', `/api/v1/groups/${group.id}/members`],
      ['PUT', `/api/v1/groups/${group.id}/members/${user.id}`],
      ['DELETE', `/api/v1/groups/${group.id}/members/${user.id}`],
    ];
    for (const [method, url, body] of routes) {
      expectProblem(await nobody.request(method as 'GET', url, body), 401, 'unauthenticated');
      expectProblem(await regular.request(method as 'GET', url, body), 403, 'forbidden');
    }
  });

  describe('members', () => {
    it('adds and removes members idempotently (204) and lists them by login', async () => {
      const group = await createGroup(admin);
      const a = await createUser(admin, { login: uniqueLogin('mb-a') });
      const b = await createUser(admin, { login: uniqueLogin('mb-b') });
      for (const user of [b, a, a]) {
        expect((await admin.request('PUT', `/api/v1/groups/${group.id}/members/${user.id}`)).statusCode).toBe(204);
      }
      const page = (await admin.request('GET', `/api/v1/groups/${group.id}/members?limit=1`)).json<Page<GroupMember>>();
      expect(page.items.map((m) => m.login)).toEqual([a.login]);
      const next = (await admin.request('GET', `/api/v1/groups/${group.id}/members?limit=1&cursor=${page.nextCursor}`)).json<Page<GroupMember>>();
      expect(next.items.map((m) => m.login)).toEqual([b.login]);
      expect(next.nextCursor).toBeUndefined();

      for (let i = 0; i < 2; i += 1) {
        expect((await admin.request('DELETE', `/api/v1/groups/${group.id}/members/${a.id}`)).statusCode).toBe(204);
      }
      const after = (await admin.request('GET', `/api/v1/groups/${group.id}/members`)).json<Page<GroupMember>>();
      expect(after.items.map((m) => m.userId)).toEqual([b.id]);
      const adds = (await admin.request('GET', '/api/v1/audit-events?action=group.member.add&limit=200')).json<Page<{ details: { userId: string } }>>();
      expect(adds.items.filter((e) => e.details.userId === a.id)).toHaveLength(1);
    });

    it("gives a user the union of their groups' permissions", async () => {
      const { user, session } = await userSession(t.app, admin);
      const creators = await createGroup(admin, { permissions: { mayCreateWebapps: true } });
      const curators = await createGroup(admin, { permissions: { mayManageDatasets: true } });
      await addMember(admin, creators.id, user.id);
      await addMember(admin, curators.id, user.id);
      const me = (await session.request('GET', '/api/v1/auth/me')).json<Me>();
      expect(me.permissions.sort()).toEqual(['mayCreateWebapps', 'mayManageDatasets']);
      expect(me.groups.sort()).toEqual([creators.name, curators.name].sort());
    });
  });

  describe('the last active admin', () => {
    let adminsGroup: Group;
    let adminId: string;
    beforeAll(async () => {
      const groups = (await admin.request('GET', '/api/v1/groups?limit=200')).json<Page<Group>>();
      adminsGroup = groups.items.find((g) => g.name === 'admins')!;
      adminId = (await admin.request('GET', '/api/v1/auth/me')).json<Me>().id;
    });

    it('cannot be removed from the admin group, disabled or deleted (409 saying why)', async () => {
      const removal = expectProblem(await admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${adminId}`), 409, 'conflict');
      expect(removal.detail).toMatch(/without an active admin/);
      expectProblem(await admin.request('PATCH', `/api/v1/users/${adminId}`, { status: 'disabled' }), 409, 'conflict');
      expectProblem(await admin.request('DELETE', `/api/v1/users/${adminId}`), 409, 'conflict');
      expectProblem(await admin.request('PATCH', `/api/v1/groups/${adminsGroup.id}`, { permissions: { admin: false } }), 409, 'conflict');
      expectProblem(await admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}`), 409, 'conflict');
      // Nothing changed.
      expect((await admin.request('GET', '/api/v1/auth/me')).json<Me>().permissions).toContain('admin');
    });

    it('can leave once another active admin exists, and not when the other is disabled', async () => {
      const other = await createUser(admin);
      await addMember(admin, adminsGroup.id, other.id);
      expect((await admin.request('PATCH', `/api/v1/users/${other.id}`, { status: 'disabled' })).statusCode).toBe(200);
      expectProblem(await admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${adminId}`), 409);
      expect((await admin.request('PATCH', `/api/v1/users/${other.id}`, { status: 'active' })).statusCode).toBe(200);
      // Two active admins: removing the other one works, and then the rule holds again.
      expect((await admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${other.id}`)).statusCode).toBe(204);
      expectProblem(await admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${adminId}`), 409);
    });

    it('holds under concurrent removals of two admins', async () => {
      const { user: other, session: otherAdmin } = await userSession(t.app, admin);
      await addMember(admin, adminsGroup.id, other.id);
      const results = await Promise.all([
        admin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${adminId}`),
        otherAdmin.request('DELETE', `/api/v1/groups/${adminsGroup.id}/members/${other.id}`),
      ]);
      // Whichever commits first wins; the other would leave no admin and is refused.
      expect(results.map((r) => r.statusCode).sort()).toEqual([204, 409]);
      const remaining = results[0].statusCode === 204 ? otherAdmin : admin;
      const members = (await remaining.request('GET', `/api/v1/groups/${adminsGroup.id}/members`)).json<Page<GroupMember>>();
      expect(members.items).toHaveLength(1);
      // Restore the session admin for the tests after this one.
      await addMember(remaining, adminsGroup.id, adminId);
    });
  });
});
