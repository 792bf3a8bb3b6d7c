import type { AuditAction, AuditEvent, AuditVerification, Group, Page } from '@behalf/contracts';
import { AuditService } from '../../src/audit/audit.service';
import { encodeCursor } from '../../src/kernel/pagination';
import { anonymous, expectProblem, loginAsAdmin, Response, SessionClient } from '../clients';
import { apiKeyClient, createGroup } from '../fixtures/identity';
import { createWebapp } from '../fixtures/webapps';
import { sql, startTestApp, TestApp } from '../harness';

const fieldsOf = (res: Response) => (expectProblem(res, 400, 'validation-failed').errors as { path: string }[]).map((e) => e.path);

/** Replays of issue 14's attacks on the audit log (7) and of hostile input (9); 8 is in audit-flood.e2e-spec.ts. */
describe('attacks on the audit log and on input', () => {
  let t: TestApp;
  let admin: SessionClient;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
  });
  afterAll(() => t?.close());

  const verify = async () => (await admin.request('GET', '/api/v1/audit-events/verify')).json<AuditVerification>();

  describe('7. audit poisoning', () => {
    it('refuses NUL and lone surrogates in a login, a name or a query with a 400 naming the field', async () => {
      expect(fieldsOf(await anonymous(t.app).request('POST', '/api/v1/auth/login', { login: 'ad\u0000min', password: 'x' }))).toEqual(['body.login']);
      expect(fieldsOf(await anonymous(t.app).request('POST', '/api/v1/auth/login', { login: 'admin\uD800', password: 'x' }))).toEqual(['body.login']);
      expect(fieldsOf(await admin.request('POST', '/api/v1/users', { login: 'valid', displayName: 'Ada\uDC00' }))).toEqual(['body.displayName']);
      expect(fieldsOf(await admin.request('POST', '/api/v1/groups', { name: 'g', description: 'x\u0000' }))).toEqual(['body.description']);
      expect(fieldsOf(await admin.request('POST', '/api/v1/groups', { name: 'g', ['k\u0000']: 1 }))[0]).toMatch(/^body\./);
      expect(fieldsOf(await admin.request('GET', '/api/v1/users?q=%00'))).toEqual(['query.q']);
      // Names refuse other control characters too (forged lines in logs and exports).
      expect(fieldsOf(await admin.request('POST', '/api/v1/webapps', { name: 'line\nbreak', kind: 'dash' }))).toEqual(['body.name']);
    });

    it('never fails other users’ requests: concurrent changes all commit with exactly one record each, and the chain holds', async () => {
      const names = Array.from({ length: 20 }, (_, i) => `poison-neighbour-${i}`);
      const audit = t.app.get(AuditService);
      const [created, poisoned, recorded] = await Promise.all([
        Promise.all(names.map((name) => admin.request('POST', '/api/v1/groups', { name }))),
        Promise.all(names.map((_, i) => anonymous(t.app).request('POST', '/api/v1/auth/login', { login: `x\u0000${i}`, password: 'y' }))),
        // A record carrying what PostgreSQL cannot store, straight to the service: it is stored, made storable.
        Promise.all(names.map((_, i) => audit.record({ action: 'test.poison' as AuditAction, outcome: 'failed', details: { ['k\u0000']: `v\uD800${i}` } }))),
      ]);
      expect(created.map((r) => r.statusCode)).toEqual(names.map(() => 201));
      expect(poisoned.map((r) => r.statusCode)).toEqual(names.map(() => 400));
      expect(recorded).toHaveLength(20);
      for (const group of created.map((r) => r.json<Group>())) {
        const records = await sql<{ n: string }>(t.database.url, `SELECT count(*) AS n FROM audit_events WHERE action = 'group.create' AND target_id = $1`, [
          group.id,
        ]);
        expect(Number(records[0].n)).toBe(1);
      }
      const [stored] = (await admin.request('GET', '/api/v1/audit-events?action=test.poison&limit=1')).json<Page<AuditEvent>>().items;
      expect(Object.keys(stored.details)).toEqual(['k\uFFFD']);
      expect(String(stored.details['k\uFFFD'])).toMatch(/^v\uFFFD\d+$/);
      expect((await verify()).ok).toBe(true);
    });

    it('commits a change and its record together: a record that cannot be written undoes the change', async () => {
      await sql(
        t.database.url,
        `CREATE FUNCTION test_refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.content->'details'->>'name' = 'unrecorded-group' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER test_refuse_record BEFORE INSERT ON audit_outbox FOR EACH ROW EXECUTE FUNCTION test_refuse_record();`,
      );
      try {
        expect((await admin.request('POST', '/api/v1/groups', { name: 'unrecorded-group' })).statusCode).toBe(500);
        expect(await sql(t.database.url, `SELECT 1 FROM groups WHERE name = 'unrecorded-group'`)).toEqual([]);
      } finally {
        await sql(t.database.url, 'DROP TRIGGER test_refuse_record ON audit_outbox; DROP FUNCTION test_refuse_record();');
      }
    });

    it('commits a change and its record together: a change that rolls back leaves no record', async () => {
      await sql(
        t.database.url,
        `CREATE FUNCTION test_refuse_group() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.description = 'refused after its record' THEN RAISE EXCEPTION 'group refused'; END IF; RETURN NEW; END $$;
         CREATE CONSTRAINT TRIGGER test_refuse_group AFTER INSERT ON groups DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_group();`,
      );
      try {
        // The trigger fires at commit, after the record is in the outbox: both must go.
        expect((await admin.request('POST', '/api/v1/groups', { name: 'rolled-back-group', description: 'refused after its record' })).statusCode).toBe(500);
        expect(await sql(t.database.url, `SELECT 1 FROM groups WHERE name = 'rolled-back-group'`)).toEqual([]);
        expect(await sql(t.database.url, `SELECT 1 FROM audit_events WHERE details->>'name' = 'rolled-back-group'`)).toEqual([]);
        expect(await sql(t.database.url, `SELECT 1 FROM audit_outbox`)).toEqual([]);
      } finally {
        await sql(t.database.url, 'DROP TRIGGER test_refuse_group ON groups; DROP FUNCTION test_refuse_group();');
      }
      expect((await verify()).ok).toBe(true);
    });
  });

  describe('9. hostile input answered 500', () => {
    it('refuses forged cursors and NUL in cursors, queries and names with a 400 naming the field', async () => {
      const group = await createGroup(admin);
      const webapp = await createWebapp(admin);
      const { client: key } = await apiKeyClient(t.app, admin);
      const cases: [string, string, unknown, string][] = [
        ['GET', `/api/v1/webapps?cursor=${encodeCursor(['a', 'not-a-uuid'])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/api-keys?cursor=${encodeCursor(['2030-01-01T00:00:00.000Z', 'not-a-uuid'])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/groups/${group.id}/impersonation-targets?cursor=${encodeCursor(['not-a-uuid'])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/webapps/${webapp.id}/runs?cursor=${encodeCursor(['yesterday', group.id])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/datasets?cursor=${encodeCursor(['a\u0000'])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/users/me/secrets?cursor=${encodeCursor(['\u0000'])}`, undefined, 'query.cursor'],
        ['GET', `/api/v1/audit-events?cursor=${encodeCursor(['99999999999999999999'])}`, undefined, 'query.cursor'],
        ['GET', '/api/v1/users?q=%00', undefined, 'query.q'],
        ['POST', '/api/v1/webapps', { name: 'a\u0000', kind: 'dash' }, 'body.name'],
        ['POST', '/api/v1/api-keys', { name: 'x\u0000' }, 'body.name'],
      ];
      for (const [method, url, body, field] of cases) {
        const res = await key.request(method as 'GET', url, body);
        expect({ url, status: res.statusCode, fields: res.statusCode === 400 ? fieldsOf(res) : res.body }).toEqual({ url, status: 400, fields: [field] });
      }
    });
  });
});
