import { withBearer } from '../clients';
import { createUser, userSession } from '../fixtures/identity';
import { createWebapp, patchSettings, startRun } from '../fixtures/webapps';
import { PROPAGATION_BUDGET_MS, Replicas, startReplicas, timeUntil } from '../replicas';

/**
 * Issue 14 across replicas: a run stopped for lost authority, and a revoked signing key, are
 * refused by every replica within a second. Changes are made on A and watched on B (B starts
 * last: Passport's strategies are process-wide, so in one process B's are the ones in use).
 */
describe('authority lost, on every replica', () => {
  let r: Replicas;
  beforeAll(async () => {
    r = await startReplicas();
  });
  afterAll(() => r?.close());

  const refusedOnB = (token: string) => async () => (await withBearer(r.b.app, token).request('GET', '/api/v1/auth/me')).statusCode === 401;

  it('refuses a run’s tokens on B within a second once its starter is disabled on A', async () => {
    const { user, session } = await userSession(r.a.app, r.adminA);
    const webapp = await createWebapp(r.adminA);
    await patchSettings(r.adminA, webapp.id, { identityMode: 'starter' });
    const run = await startRun(r.a.app, session, webapp.id);
    expect((await withBearer(r.b.app, run.backendToken).request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const since = Date.now();
    await r.adminA.request('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' });
    expect(await timeUntil(refusedOnB(run.backendToken), since)).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
  });

  it('refuses a run’s tokens on B within a second once its identity’s password is reset on A', async () => {
    const service = await createUser(r.adminA);
    const webapp = await createWebapp(r.adminA);
    await patchSettings(r.adminA, webapp.id, { runAsUserId: service.id });
    const run = await startRun(r.a.app, r.adminA, webapp.id);
    expect((await withBearer(r.b.app, run.backendToken).request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const since = Date.now();
    await r.adminA.request('PATCH', `/api/v1/users/${service.id}`, { password: 'a-recovered-password-1' });
    expect(await timeUntil(refusedOnB(run.backendToken), since)).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
  });

  it('drops a revoked signing key on B within a second: its JWKS and its tokens', async () => {
    const webapp = await createWebapp(r.adminA);
    const run = await startRun(r.a.app, r.adminA, webapp.id);
    expect((await withBearer(r.b.app, run.backendToken).request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const since = Date.now();
    const rotation = (await r.adminA.request('POST', '/api/v1/admin/keys/rotate', { immediate: true, revokePrevious: true })).json<{ revokedKid: string }>();
    expect(rotation.revokedKid).toEqual(expect.any(String));
    expect(await timeUntil(refusedOnB(run.backendToken), since)).toBeLessThanOrEqual(PROPAGATION_BUDGET_MS);
    const jwks = (await r.b.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>();
    expect(jwks.keys.map((k) => k.kid)).not.toContain(rotation.revokedKid);
  });
});
