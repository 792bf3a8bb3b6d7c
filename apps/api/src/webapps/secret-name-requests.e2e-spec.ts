import type { AuditEvent, Page, SecretNameRequest } from '@behalf/contracts';
import { anonymous, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { addMember, createGroup, userSession } from '../../test/fixtures/identity';
import { createWebapp, patchSettings } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

describe('secret-name requests', () => {
  let t: TestApp;
  let admin: SessionClient;
  let owner: { id: string; login: string; session: SessionClient };
  let other: SessionClient;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    const creators = await createGroup(admin, { permissions: { mayCreateWebapps: true } });
    const o = await userSession(t.app, admin);
    await addMember(admin, creators.id, o.user.id);
    owner = { id: o.user.id, login: o.user.login, session: o.session };
    other = (await userSession(t.app, admin)).session;
  });
  afterAll(() => t.close());

  const auditOf = async (action: string, webappId: string) =>
    (await admin.request('GET', `/api/v1/audit-events?action=${action}&webapp=${webappId}`)).json<Page<AuditEvent>>().items;

  it('lets an owner who is no admin ask for names, keeps only the new ones, and shows it to admins until one approves', async () => {
    const webapp = await createWebapp(owner.session, { name: 'Warehouse report' });
    await patchSettings(admin, webapp.id, { secretNames: ['db_password'] });
    // The owner may not widen the list themselves...
    expectProblem(await owner.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { secretNames: ['db_password', 'warehouse_token'] }), 403);
    // ...so they ask.
    const asked = await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, {
      names: ['warehouse_token', 'db_password', 'api_key'],
    });
    expect(asked.statusCode).toBe(200);
    expect(asked.json<SecretNameRequest>()).toEqual({
      webappId: webapp.id,
      webappName: 'Warehouse report',
      names: ['api_key', 'warehouse_token'],
      requestedBy: { id: owner.id, login: owner.login },
      requestedAt: expect.any(String),
    });
    expect((await owner.session.request('GET', `/api/v1/webapps/${webapp.id}/secret-name-request`)).json<SecretNameRequest>().names).toEqual([
      'api_key',
      'warehouse_token',
    ]);
    const pending = (await admin.request('GET', '/api/v1/secret-name-requests?limit=200')).json<Page<SecretNameRequest>>();
    expect(pending.items.find((r) => r.webappId === webapp.id)?.names).toEqual(['api_key', 'warehouse_token']);
    expect((await auditOf('webapp.secret_names.request', webapp.id))[0]).toMatchObject({
      outcome: 'succeeded',
      actor: { userId: owner.id },
      details: { names: ['api_key', 'warehouse_token'] },
    });

    // An admin approves one name: the request keeps the other; approving it too settles the request.
    await patchSettings(admin, webapp.id, { secretNames: ['db_password', 'warehouse_token'] });
    expect((await admin.request('GET', `/api/v1/webapps/${webapp.id}/secret-name-request`)).json<SecretNameRequest>().names).toEqual(['api_key']);
    await patchSettings(admin, webapp.id, { secretNames: ['api_key', 'db_password', 'warehouse_token'] });
    expectProblem(await admin.request('GET', `/api/v1/webapps/${webapp.id}/secret-name-request`), 404, 'not-found');
    expect((await admin.request('GET', '/api/v1/secret-name-requests?limit=200')).json<Page<SecretNameRequest>>().items.map((r) => r.webappId)).not.toContain(
      webapp.id,
    );
  });

  it('lets an admin decline, and the owner withdraw, with a record of each', async () => {
    const webapp = await createWebapp(owner.session);
    await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: ['token'] });
    const declined = await admin.request('DELETE', `/api/v1/webapps/${webapp.id}/secret-name-request`);
    expect(declined.statusCode).toBe(204);
    expect((await auditOf('webapp.secret_names.decline', webapp.id))[0]).toMatchObject({ actor: { login: 'admin' }, details: { names: ['token'] } });
    expect((await patchSettings(admin, webapp.id, {})).secretNames).toEqual([]);
    await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: ['token'] });
    expect((await owner.session.request('DELETE', `/api/v1/webapps/${webapp.id}/secret-name-request`)).statusCode).toBe(204);
    expectProblem(await owner.session.request('DELETE', `/api/v1/webapps/${webapp.id}/secret-name-request`), 404, 'not-found');
  });

  it('refuses asking for nothing new, malformed names, and anyone who does not manage the webapp', async () => {
    const webapp = await createWebapp(owner.session);
    await patchSettings(admin, webapp.id, { secretNames: ['a'] });
    expectProblem(await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: ['a'] }), 409, 'conflict');
    expect(fieldErrors(await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: ['not a name!'] }))).toEqual([
      'body.names.0',
    ]);
    expect(fieldErrors(await owner.session.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: [] }))).toEqual(['body.names']);
    // A viewer who does not manage it may not ask (nor read the request); listing them all is for admins.
    expectProblem(await other.request('PUT', `/api/v1/webapps/${webapp.id}/secret-name-request`, { names: ['b'] }), 403, 'forbidden');
    expectProblem(await other.request('GET', `/api/v1/webapps/${webapp.id}/secret-name-request`), 403, 'forbidden');
    expectProblem(await other.request('GET', '/api/v1/secret-name-requests'), 403);
    expectProblem(await anonymous(t.app).request('GET', '/api/v1/secret-name-requests'), 401);
    expect(fieldErrors(await admin.request('GET', '/api/v1/secret-name-requests?cursor=bogus'))).toEqual(['query.cursor']);
  });

  it('pages through pending requests oldest first', async () => {
    const first = await createWebapp(owner.session);
    const second = await createWebapp(owner.session);
    await owner.session.request('PUT', `/api/v1/webapps/${first.id}/secret-name-request`, { names: ['x'] });
    await owner.session.request('PUT', `/api/v1/webapps/${second.id}/secret-name-request`, { names: ['y'] });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await admin.request('GET', `/api/v1/secret-name-requests?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json<Page<SecretNameRequest>>();
      seen.push(...page.items.map((r) => r.webappId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.indexOf(first.id)).toBeLessThan(seen.indexOf(second.id));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
