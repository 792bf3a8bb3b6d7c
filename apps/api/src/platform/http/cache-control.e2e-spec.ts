import { anonymous, loginAsAdmin, Response } from '../../../test/clients';
import { userSession } from '../../../test/fixtures/identity';
import { authInfo, browserOf } from '../../../test/fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../../test/harness';

/**
 * No answer of the API may be kept by a browser or a proxy, but those whose route says so; none
 * may be loaded as a resource by another origin.
 */
describe('What browsers may do with the API’s answers: keep them, load them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const kept = (res: Response) => ({ status: res.statusCode, cacheControl: res.headers['cache-control'] });

  it('is no-store on answers that carry credentials, secrets or personal data, and on refusals', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'admin', password: 'wrong-password-0' } });
    expect(kept(login as Response)).toEqual({ status: 401, cacheControl: 'no-store' });
    const admin = await loginAsAdmin(t.app);
    const { session: viewer } = await userSession(t.app, admin);
    const webapp = await createWebapp(admin);
    await patchSettings(admin, webapp.id, { access: 'authenticated' });
    const run = await startRun(t.app, admin, webapp.id);
    const answers: Record<string, Response> = {
      me: await admin.request('GET', '/api/v1/auth/me'),
      users: await admin.request('GET', '/api/v1/users'),
      newApiKey: await admin.request('POST', '/api/v1/api-keys', { name: 'kept-nowhere' }),
      newSecret: await viewer.request('PUT', '/api/v1/users/me/secrets/warehouse', { value: 'never-cached' }),
      authInfo: await authInfo(run.backend, browserOf(viewer)),
      audit: await admin.request('GET', '/api/v1/audit-events?limit=1'),
      refused: await anonymous(t.app).request('GET', '/api/v1/users'),
      healthz: await anonymous(t.app).request('GET', '/healthz'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, kept(res).cacheControl]))).toEqual(
      Object.fromEntries(Object.keys(answers).map((name) => [name, 'no-store'])),
    );
    expect([answers.me, answers.users, answers.authInfo, answers.refused].map((res) => res.statusCode)).toEqual([200, 200, 200, 401]);
    const issued = await run.backend.request('POST', '/api/v1/runtime/identity-token', { headers: browserOf(viewer) });
    expect(kept(issued)).toEqual({ status: 200, cacheControl: 'no-store' });
  });

  it('lets no other origin load an answer as a resource, nor sniff one: every answer says so', async () => {
    const admin = await loginAsAdmin(t.app);
    const answers: Record<string, Response> = {
      me: await admin.request('GET', '/api/v1/auth/me'),
      newApiKey: await admin.request('POST', '/api/v1/api-keys', { name: 'loaded-nowhere' }),
      refused: await anonymous(t.app).request('GET', '/api/v1/users'),
      notFound: await anonymous(t.app).request('GET', '/api/v1/no-such-thing'),
      healthz: await anonymous(t.app).request('GET', '/healthz'),
      jwks: (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })) as Response,
      console: (await t.app.inject({ method: 'GET', url: '/users' })) as Response,
    };
    const headers = (res: Response) => [res.headers['cross-origin-resource-policy'], res.headers['x-content-type-options']];
    expect(Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, headers(res)]))).toEqual(
      Object.fromEntries(Object.keys(answers).map((name) => [name, ['same-origin', 'nosniff']])),
    );
  });

  it('keeps what its route says: the JWKS and discovery may be cached', async () => {
    expect(kept((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })) as Response)).toEqual({
      status: 200,
      cacheControl: 'public, max-age=60',
    });
    expect(kept((await t.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })) as Response)).toEqual({
      status: 200,
      cacheControl: 'public, max-age=3600',
    });
  });
});
