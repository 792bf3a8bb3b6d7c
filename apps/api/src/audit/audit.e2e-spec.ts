import type { AuditEvent, AuditVerification, Page } from '@behalf/contracts';
import { anonymous, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { apiKeyClient, createGroup, createUser, userSession } from '../../test/fixtures/identity';
import { createWebapp, startRun } from '../../test/fixtures/webapps';
import { sql, startTestApp, TestApp } from '../../test/harness';
import { dollarQuoted } from './audit.repository';
import { AuditService } from './audit.service';

// The chain test sends 1,000 writes at once at two 4-connection pools: a test of the chain's
// integrity, not of latency, so requests may queue for a connection longer than production allows.
const BURST_ENV = { BEHALF_DB_ACQUIRE_TIMEOUT_MS: '120000' };

describe('the audit log', () => {
  let t: TestApp;
  let admin: SessionClient;
  beforeAll(async () => {
    t = await startTestApp({ env: BURST_ENV });
    admin = await loginAsAdmin(t.app);
  });
  afterAll(() => t.close());

  it('records who did what, from where, with which request id', async () => {
    const user = await createUser(admin, { displayName: 'Audited' });
    const page = (await admin.request('GET', '/api/v1/audit-events?action=user.create&limit=1', undefined, { 'x-request-id': 'audit-req-1' })).json<
      Page<AuditEvent>
    >();
    expect(page.items[0]).toMatchObject({
      action: 'user.create',
      outcome: 'succeeded',
      actor: { login: 'admin' },
      target: { type: 'user', id: user.id },
      clientIp: '127.0.0.1',
      requestId: expect.any(String),
      details: { login: user.login, displayName: 'Audited' },
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('names each target as it is called when read, not as recorded: null for other kinds and once the target is gone', async () => {
    const user = await createUser(admin);
    const group = await createGroup(admin);
    const renamed = `${group.name}-renamed`;
    expect((await admin.request('PATCH', `/api/v1/groups/${group.id}`, { name: renamed })).statusCode).toBe(200);
    const targets = async (action: string) =>
      (await admin.request('GET', `/api/v1/audit-events?action=${action}&limit=5`)).json<Page<AuditEvent>>().items.map((e) => e.target);
    expect((await targets('user.create'))[0]).toEqual({ type: 'user', id: user.id, name: user.login });
    // The group's create record names it by what it is called now.
    expect((await targets('group.create')).find((target) => target?.id === group.id)).toEqual({ type: 'group', id: group.id, name: renamed });
    const { session } = await userSession(t.app, admin);
    await apiKeyClient(t.app, session);
    expect((await targets('api_key.create'))[0]).toMatchObject({ type: 'api_key', name: null });
    // A run is named by its webapp, as that is called now.
    const webapp = await createWebapp(admin);
    const run = await startRun(t.app, admin, webapp.id);
    expect((await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { name: `${webapp.name} v2` })).statusCode).toBe(200);
    expect((await targets('webapp.run.start'))[0]).toEqual({ type: 'webapp_run', id: run.runId, name: `${webapp.name} v2` });

    expect((await admin.request('DELETE', `/api/v1/groups/${group.id}`)).statusCode).toBe(204);
    expect((await targets('group.update')).find((target) => target?.id === group.id)).toEqual({ type: 'group', id: group.id, name: null });
  });

  it('filters by action, actor, outcome and time, newest first, with a cursor', async () => {
    const { user, session } = await userSession(t.app, admin);
    await anonymous(t.app).request('POST', '/api/v1/auth/login', { login: user.login, password: 'wrong-password-1' });
    await apiKeyClient(t.app, session);
    await apiKeyClient(t.app, session);

    const byActor = (await admin.request('GET', `/api/v1/audit-events?actor=${user.login}`)).json<Page<AuditEvent>>();
    expect(byActor.items.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'api_key.create:succeeded',
      'api_key.create:succeeded',
      'auth.login:failed',
      'auth.login:succeeded',
    ]);
    expect(byActor.items.map((e) => Number(e.id))).toEqual([...byActor.items.map((e) => Number(e.id))].sort((a, b) => b - a));
    const byId = (await admin.request('GET', `/api/v1/audit-events?actor=${user.id}&outcome=failed`)).json<Page<AuditEvent>>();
    expect(byId.items).toHaveLength(1);
    expect(byId.items[0].reason).toBe('wrong_password');

    const first = (await admin.request('GET', `/api/v1/audit-events?actor=${user.id}&limit=3`)).json<Page<AuditEvent>>();
    const rest = (await admin.request('GET', `/api/v1/audit-events?actor=${user.id}&limit=3&cursor=${first.nextCursor}`)).json<Page<AuditEvent>>();
    expect([...first.items, ...rest.items].map((e) => e.id)).toEqual(byActor.items.map((e) => e.id));

    const future = (await admin.request('GET', `/api/v1/audit-events?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json<
      Page<AuditEvent>
    >();
    expect(future.items).toEqual([]);
    const past = (await admin.request('GET', `/api/v1/audit-events?until=2000-01-01T00:00:00Z`)).json<Page<AuditEvent>>();
    expect(past.items).toEqual([]);
  });

  it.each([
    ['outcome=maybe', 'query.outcome'],
    ['since=yesterday', 'query.since'],
    ['limit=1000', 'query.limit'],
    ['cursor=%%%', 'query.cursor'],
  ])('refuses %s (400)', async (query, path) => {
    expect(fieldErrors(await admin.request('GET', `/api/v1/audit-events?${query}`))).toEqual([path]);
  });

  it('is for admins only (401, 403), and records the refusal', async () => {
    const { user, session } = await userSession(t.app, admin);
    for (const url of ['/api/v1/audit-events', '/api/v1/audit-events/verify']) {
      expectProblem(await anonymous(t.app).request('GET', url), 401);
      expectProblem(await session.request('GET', url), 403);
    }
    const denied = (await admin.request('GET', `/api/v1/audit-events?actor=${user.id}&action=access.denied`)).json<Page<AuditEvent>>();
    expect(denied.items).toHaveLength(2);
    expect(denied.items[0].reason).toBe('missing_permission:admin');
  });

  it('is append-only in the database', async () => {
    await expect(sql(t.database.url, `UPDATE audit_events SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sql(t.database.url, `DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });

  it('keeps one unbroken chain through 1,000 concurrent audited requests on two replicas', async () => {
    const replica = await startTestApp({ database: t.database, env: BURST_ENV });
    try {
      const { client: keyA } = await apiKeyClient(t.app, admin);
      const { client: keyB } = await apiKeyClient(replica.app, await loginAsAdmin(replica.app));
      const before = Number((await sql<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events'))[0].n);
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => (i % 2 ? keyA : keyB).request('POST', '/api/v1/api-keys', { name: `load-${i}` })),
      );
      expect(results.filter((r) => r.statusCode !== 201)).toEqual([]);
      const after = Number((await sql<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events'))[0].n);
      expect(after - before).toBe(1000);
      const forks = await sql<{ n: string }>(
        t.database.url,
        'SELECT count(*) AS n FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f',
      );
      expect(Number(forks[0].n)).toBe(0);
      const verification = (await admin.request('GET', '/api/v1/audit-events/verify')).json<AuditVerification>();
      expect(verification).toEqual({ ok: true, checked: after });
    } finally {
      await replica.close();
    }
  });

  // Decisions (here: refusals of a missing permission) are appended directly, each batch chained
  // onto the head this replica last wrote, in one round trip; when the other replica appended in
  // between, the batch lands nowhere and is appended again after reading the head.
  it('keeps every directly appended decision, in one chain, when two replicas take turns and when they race', async () => {
    const replica = await startTestApp({ database: t.database, env: BURST_ENV });
    try {
      const { session: onA } = await userSession(t.app, admin);
      const { session: onB } = await userSession(replica.app, await loginAsAdmin(replica.app));
      const count = async () =>
        Number((await sql<{ n: string }>(t.database.url, "SELECT count(*) AS n FROM audit_events WHERE action = 'access.denied'"))[0].n);
      const before = await count();
      for (let i = 0; i < 20; i += 1) {
        const res = await (i % 2 ? onA : onB).request('GET', '/api/v1/users');
        expect(res.statusCode).toBe(403);
      }
      expect(await count()).toBe(before + 20);
      const raced = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 ? onA : onB).request('GET', '/api/v1/groups')));
      expect(raced.filter((r) => r.statusCode !== 403)).toEqual([]);
      expect(await count()).toBe(before + 620);
      const forks = await sql<{ n: string }>(
        t.database.url,
        'SELECT count(*) AS n FROM (SELECT prev_hash FROM audit_events GROUP BY prev_hash HAVING count(*) > 1) f',
      );
      expect(Number(forks[0].n)).toBe(0);
      const total = Number((await sql<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events'))[0].n);
      expect((await admin.request('GET', '/api/v1/audit-events/verify')).json<AuditVerification>()).toEqual({ ok: true, checked: total });
    } finally {
      await replica.close();
    }
  });

  it('passes any batch text to PostgreSQL unaltered as a dollar-quoted literal, whatever tags it holds', async () => {
    for (const text of ['{"a":"it\'s"}', 'back\\slash $1 $$ $audit$ $audit_x$', '$audit$'.repeat(3) + '"; DROP TABLE audit_events; --']) {
      const literal = dollarQuoted(text);
      expect(literal.startsWith('$audit$') === !text.includes('$audit$')).toBe(true);
      const [row] = await sql<{ v: string }>(t.database.url, `SELECT ${literal}::text AS v`);
      expect(row.v).toBe(text);
    }
  });

  it('refuses a record it cannot hash without holding up the records queued with it', async () => {
    const audit = t.app.get(AuditService);
    const fine = (i: number) => audit.record({ action: 'access.denied', outcome: 'denied', reason: `batch_mate_${i}` });
    const results = await Promise.allSettled([fine(1), audit.record({ action: 'access.denied', outcome: 'denied', details: { unhashable: 1n } }), fine(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await fine(3);
    const rows = await sql<{ reason: string }>(t.database.url, "SELECT reason FROM audit_events WHERE reason LIKE 'batch_mate_%' ORDER BY id");
    expect(rows.map((r) => r.reason)).toEqual(['batch_mate_1', 'batch_mate_2', 'batch_mate_3']);
  });

  it('names the first broken record after a record is altered with SQL', async () => {
    const rows = await sql<{ id: string }>(t.database.url, 'SELECT id FROM audit_events ORDER BY id LIMIT 3');
    const victim = rows[2].id;
    // An attacker with the database's superuser bypasses the append-only trigger...
    await sql(
      t.database.url,
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete;
       UPDATE audit_events SET outcome = 'failed' WHERE id = ${Number(victim)};
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete;`,
    );
    // ...and the chain still tells.
    const verification = (await admin.request('GET', '/api/v1/audit-events/verify')).json<AuditVerification>();
    expect(verification).toEqual({ ok: false, checked: 3, firstBrokenId: victim });
  });
});
