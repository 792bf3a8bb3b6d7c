import type { Jwks, KeyRotation } from '@behalf/contracts';
import { decodeProtectedHeader } from 'jose';
import { anonymous, Client, SessionClient, withBearer } from '../../test/clients';
import { createWebapp, startRun } from '../../test/fixtures/webapps';
import { sql, TestApp } from '../../test/harness';
import { PROPAGATION_BUDGET_MS, Replicas, startReplicas, timeUntil as until } from '../../test/replicas';

describe('runs and keys across two API instances on one database', () => {
  let replicas: Replicas;
  let a: TestApp;
  let b: TestApp;
  let adminA: SessionClient;
  let adminB: SessionClient;
  beforeAll(async () => {
    replicas = await startReplicas();
    ({ a, b, adminA, adminB } = replicas);
  });
  afterAll(() => replicas.close());

  it('refuses a stopped run’s backend token on the other instance within 1 s', async () => {
    const webapp = await createWebapp(adminA);
    const run = await startRun(a.app, adminA, webapp.id);
    const onB: Client = withBearer(b.app, run.backendToken);
    // B authenticates (and caches the run as live) first.
    expect((await onB.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await onB.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);

    expect((await adminA.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).statusCode).toBe(204);
    const stoppedAt = Date.now();
    expect(await until(async () => (await onB.request('GET', '/api/v1/auth/me')).statusCode === 401, stoppedAt)).toBeLessThan(PROPAGATION_BUDGET_MS);
  });

  it('refuses it within 1 s when the run is stopped by hand in SQL', async () => {
    const webapp = await createWebapp(adminA);
    const run = await startRun(a.app, adminA, webapp.id);
    const onB = withBearer(b.app, run.backendToken);
    expect((await onB.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    await sql(a.database.url, 'UPDATE webapp_runs SET stopped_at = now() WHERE id = $1', [run.runId]);
    const stoppedAt = Date.now();
    expect(await until(async () => (await onB.request('GET', '/api/v1/auth/me')).statusCode === 401, stoppedAt)).toBeLessThan(PROPAGATION_BUDGET_MS);
  });

  it('publishes and signs with a key rotated on the other instance within 1 s', async () => {
    const jwksOnB = async () => (await anonymous(b.app).request('GET', '/.well-known/jwks.json')).json<Jwks>();
    await jwksOnB(); // B has its keys cached
    const rotation = (await adminA.request('POST', '/api/v1/admin/keys/rotate', { immediate: true })).json<KeyRotation>();
    const rotatedAt = Date.now();
    expect(await until(async () => (await jwksOnB()).keys.some((k) => k.kid === rotation.kid), rotatedAt)).toBeLessThan(PROPAGATION_BUDGET_MS);
    const run = await startRun(b.app, adminB, (await createWebapp(adminB)).id);
    expect(decodeProtectedHeader(run.backendToken).kid).toBe(rotation.kid);
    // A token B signed with the new key authenticates on A.
    expect((await withBearer(a.app, run.backendToken).request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });
});
