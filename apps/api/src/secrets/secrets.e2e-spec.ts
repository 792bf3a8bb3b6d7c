import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AuditEvent, KekRewrapReport, Page, SecretInfo } from '@behalf/contracts';
import { Pool } from 'pg';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, SessionClient } from '../../test/clients';
import { createUser, userSession } from '../../test/fixtures/identity';
import { sql, startTestApp, TestApp, TEST_KEK } from '../../test/harness';
import { projectRoot } from '../common/project-root';
import { parseKeyRing } from '../crypto/key-ring';
import { rewrapAll, SealedStores } from '../crypto/sealed-store';
import { signingKeyStore } from '../tokens/signing-key.sealed-store';
import { userSecretStore } from './user-secret.sealed-store';
import { SecretsService } from './secrets.service';

const secretPath = (name: string) => `/api/v1/users/me/secrets/${name}`;

describe('user secrets through the API', () => {
  let t: TestApp;
  let admin: SessionClient;
  let alice: { user: { id: string; login: string }; session: SessionClient };

  beforeAll(async () => {
    t = await startTestApp({ env: { BEHALF_LOG_LEVEL: 'trace' } });
    admin = await loginAsAdmin(t.app);
    alice = await userSession(t.app, admin);
  });
  afterAll(() => t.close());

  const names = async (client: Client, url = '/api/v1/users/me/secrets') =>
    (await client.request('GET', url)).json<Page<SecretInfo>>().items.map((s) => s.name);

  it('creates (201), replaces (200), lists without values and deletes', async () => {
    const created = await alice.session.request('PUT', secretPath('db.password'), { value: 'first-value-1' });
    expect(created.statusCode).toBe(201);
    const info = created.json<SecretInfo>();
    expect(info).toEqual({ name: 'db.password', createdAt: expect.any(String), updatedAt: info.createdAt });
    const replaced = await alice.session.request('PUT', secretPath('db.password'), { value: 'second-value-2' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json<SecretInfo>().createdAt).toBe(info.createdAt);
    expect(replaced.body).not.toContain('value-');

    const list = await alice.session.request('GET', '/api/v1/users/me/secrets');
    expect(list.json<Page<SecretInfo>>().items.map((s) => Object.keys(s).sort())).toEqual([['createdAt', 'name', 'updatedAt']]);
    expect(list.body).not.toContain('value-');
    expect(await t.app.get(SecretsService).reveal(alice.user.id, null)).toEqual({
      secrets: [{ name: 'db.password', value: 'second-value-2' }],
      unreadable: [],
    });

    expect((await alice.session.request('DELETE', secretPath('db.password'))).statusCode).toBe(204);
    expectProblem(await alice.session.request('DELETE', secretPath('db.password')), 404, 'not-found');
    expect(await names(alice.session)).toEqual([]);

    const actions = (await admin.request('GET', `/api/v1/audit-events?actor=${alice.user.id}&limit=20`)).json<Page<AuditEvent>>().items;
    const secretEvents = actions.filter((e) => e.action.startsWith('secret.'));
    expect(secretEvents.map((e) => e.action)).toEqual(['secret.delete', 'secret.replace', 'secret.create']);
    expect(secretEvents.map((e) => e.details.name)).toEqual(['db.password', 'db.password', 'db.password']);
  });

  it('keeps each user’s secrets their own', async () => {
    const bob = await userSession(t.app, admin);
    await alice.session.request('PUT', secretPath('shared-name'), { value: 'alice-value' });
    await bob.session.request('PUT', secretPath('shared-name'), { value: 'bob-value' });
    expect(await names(bob.session)).toEqual(['shared-name']);
    expect((await t.app.get(SecretsService).reveal(bob.user.id, null)).secrets).toEqual([{ name: 'shared-name', value: 'bob-value' }]);
    expect((await t.app.get(SecretsService).reveal(alice.user.id, ['shared-name'])).secrets).toEqual([{ name: 'shared-name', value: 'alice-value' }]);
  });

  it('lets admins list names and delete, and nobody else', async () => {
    await alice.session.request('PUT', secretPath('for-admin'), { value: 'admin-never-sees-this' });
    const url = `/api/v1/users/${alice.user.id}/secrets`;
    const res = await admin.request('GET', url);
    expect(res.json<Page<SecretInfo>>().items.map((s) => s.name)).toContain('for-admin');
    expect(res.body).not.toContain('admin-never-sees-this');
    expectProblem(await alice.session.request('GET', url), 403, 'forbidden');
    expectProblem(await admin.request('GET', '/api/v1/users/00000000-0000-4000-8000-000000000000/secrets'), 404, 'not-found');
    expect((await admin.request('DELETE', `${url}/for-admin`)).statusCode).toBe(204);
    expect(await names(alice.session)).not.toContain('for-admin');
    const [event] = (await admin.request('GET', '/api/v1/audit-events?action=secret.delete&limit=1')).json<Page<AuditEvent>>().items;
    expect(event).toMatchObject({
      actor: { login: 'admin' },
      target: { type: 'user', id: alice.user.id },
      details: { name: 'for-admin', owner: alice.user.login },
    });
    expectProblem(await anonymous(t.app).request('GET', '/api/v1/users/me/secrets'), 401);
  });

  it('pages through names', async () => {
    const { session } = await userSession(t.app, admin);
    for (const n of ['c', 'a', 'b']) await session.request('PUT', secretPath(n), { value: `v-${n}` });
    const first = (await session.request('GET', '/api/v1/users/me/secrets?limit=2')).json<Page<SecretInfo>>();
    const second = (await session.request('GET', `/api/v1/users/me/secrets?limit=2&cursor=${first.nextCursor}`)).json<Page<SecretInfo>>();
    expect([...first.items, ...second.items].map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('says what is wrong with a name or a value', async () => {
    expect(fieldErrors(await alice.session.request('PUT', secretPath('bad%20name'), { value: 'x' }))).toEqual(['params.name']);
    expect(fieldErrors(await alice.session.request('PUT', secretPath('x'.repeat(129)), { value: 'x' }))).toEqual(['params.name']);
    expect(expectProblem(await alice.session.request('PUT', secretPath('x'.repeat(3000)), { value: 'x' }), 400, 'bad-request').detail).toBe(
      'A path segment of the URL is longer than 2048 characters.',
    );
    expect(fieldErrors(await alice.session.request('PUT', secretPath('ok'), { value: 'é'.repeat(32_769) }))).toEqual(['body.value']);
    expect(fieldErrors(await alice.session.request('PUT', secretPath('ok'), { value: '' }))).toEqual(['body.value']);
    expect(fieldErrors(await alice.session.request('PUT', secretPath('ok'), { value: 42, note: 'x' }))).toEqual(['body', 'body.value']);
    const limit = await alice.session.request('PUT', secretPath('max'), { value: 'é'.repeat(32_768) });
    expect(limit.statusCode).toBe(201);
  });

  it('leaves no value, nor its base64, in any text, bytea or JSON column of any table, nor in logs or audit records', async () => {
    const values = ['postgres://svc:Tr0ub4dor&3@db/x', 'AKIAIOSFODNN7EXAMPLE-secret-key', 'ghp_0123456789abcdefghijklmnopqrstuvwxyz'];
    for (const [i, value] of values.entries()) {
      await alice.session.request('PUT', secretPath(`probe-${i}`), { value });
      await alice.session.request('PUT', secretPath(`probe-${i}`), { value });
    }
    await alice.session.request('DELETE', secretPath('probe-2'));
    await alice.session.request('PUT', secretPath('probe bad'), { value: values[0] });
    await alice.session.request('PUT', secretPath('probe-3'), { value: values[1], extra: values[2] });

    const columns = await sql<{ table_name: string; column_name: string; data_type: string }>(
      t.database.url,
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
    );
    expect(columns.some((c) => c.table_name === 'user_secrets' && c.column_name === 'ciphertext')).toBe(true);
    const needles = values.flatMap((v) => [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('base64url'), Buffer.from(v).toString('hex')]);
    const found: string[] = [];
    // One query per column, asking for every needle at once (a query per needle took half a minute).
    for (const c of columns) {
      const hits =
        c.data_type === 'bytea'
          ? await sql<{ i: number }>(
              t.database.url,
              `SELECT i::int FROM unnest($1::bytea[]) WITH ORDINALITY AS n(needle, i) WHERE EXISTS (SELECT 1 FROM "${c.table_name}" WHERE position(n.needle IN "${c.column_name}") > 0)`,
              [needles.map((needle) => Buffer.from(needle))],
            )
          : await sql<{ i: number }>(
              t.database.url,
              `SELECT i::int FROM unnest($1::text[]) WITH ORDINALITY AS n(needle, i) WHERE EXISTS (SELECT 1 FROM "${c.table_name}" WHERE strpos("${c.column_name}"::text, n.needle) > 0)`,
              [needles],
            );
      for (const hit of hits) found.push(`${c.table_name}.${c.column_name}: ${needles[hit.i - 1]}`);
    }
    expect(found).toEqual([]);
    expect((await t.app.get(SecretsService).reveal(alice.user.id, ['probe-0', 'probe-1'])).secrets.map((s) => s.value)).toEqual(values.slice(0, 2));

    const logs = t.logs.text;
    const audit = JSON.stringify(await sql(t.database.url, 'SELECT * FROM audit_events'));
    expect(audit).toContain('secret.create');
    for (const needle of needles)
      expect({ needle, inLogs: logs.includes(needle), inAudit: audit.includes(needle) }).toEqual({ needle, inLogs: false, inAudit: false });
  });

  it('refuses to open a ciphertext moved to another user or name, or copied there', async () => {
    const bob = await createUser(admin);
    await alice.session.request('PUT', secretPath('movable'), { value: 'do-not-move-me' });
    const service = t.app.get(SecretsService);

    await sql(t.database.url, `UPDATE user_secrets SET name = 'renamed' WHERE user_id = $1 AND name = 'movable'`, [alice.user.id]);
    expect(await service.reveal(alice.user.id, ['renamed'])).toEqual({ secrets: [], unreadable: [{ name: 'renamed', reason: 'does_not_open' }] });

    await sql(t.database.url, `UPDATE user_secrets SET user_id = $2, name = 'movable' WHERE user_id = $1 AND name = 'renamed'`, [alice.user.id, bob.id]);
    expect(await service.reveal(bob.id, null)).toEqual({ secrets: [], unreadable: [{ name: 'movable', reason: 'does_not_open' }] });

    // Carol's own secret's crypto copied onto Alice's secret of the same name: still refused.
    const carol = await userSession(t.app, admin);
    await carol.session.request('PUT', secretPath('token'), { value: 'carol-token' });
    await alice.session.request('PUT', secretPath('token'), { value: 'alice-token' });
    await sql(
      t.database.url,
      `UPDATE user_secrets a SET wrapped_key = c.wrapped_key, ciphertext = c.ciphertext, kek_version = c.kek_version FROM user_secrets c
        WHERE a.user_id = $1 AND a.name = 'token' AND c.user_id = $2 AND c.name = 'token'`,
      [alice.user.id, carol.user.id],
    );
    expect(await service.reveal(alice.user.id, ['token'])).toEqual({ secrets: [], unreadable: [{ name: 'token', reason: 'does_not_open' }] });
    expect((await service.reveal(carol.user.id, ['token'])).secrets).toEqual([{ name: 'token', value: 'carol-token' }]);
  });
});

describe('rotating the key-encryption key', () => {
  const V1 = TEST_KEK;
  const V2 = `2:${Buffer.alloc(32, 0x22).toString('base64')}`;
  const values = new Map<string, { userId: string; name: string; value: string }>();

  async function seed(): Promise<TestApp> {
    values.clear();
    const t = await startTestApp({ env: { BEHALF_KEK: V1 } });
    const admin = await loginAsAdmin(t.app);
    for (let u = 0; u < 3; u++) {
      const { user, session } = await userSession(t.app, admin);
      for (let i = 0; i < 4; i++) {
        const value = `value-${u}-${i}-${'x'.repeat(i * 100)}`;
        await session.request('PUT', secretPath(`s${i}`), { value });
        values.set(`${user.id}/s${i}`, { userId: user.id, name: `s${i}`, value });
      }
    }
    return t;
  }

  const versions = async (url: string) =>
    (
      await sql<{ v: number; n: number }>(
        url,
        `SELECT kek_version AS v, count(*)::int AS n FROM (SELECT kek_version FROM user_secrets UNION ALL SELECT kek_version FROM signing_keys) x GROUP BY 1 ORDER BY 1`,
      )
    ).map((r) => [r.v, r.n]);

  it('re-wraps everything, interrupted half way and resumed, and reads every value back unchanged', async () => {
    const first = await seed();
    await first.stop();
    const url = first.database.url;
    expect(await versions(url)).toEqual([[1, 13]]);

    // Interrupted: two batches of four, then stop.
    const pool = new Pool({ connectionString: url, max: 1 });
    const partial = await rewrapAll(pool, parseKeyRing(`${V1},${V2}`), new SealedStores([signingKeyStore, userSecretStore]), { batchSize: 4, maxBatches: 3 });
    await pool.end();
    expect(partial.complete).toBe(false);
    const midway = await versions(url);
    expect(midway).toEqual([
      [1, expect.any(Number)],
      [2, expect.any(Number)],
    ]);
    expect(midway[1][1]).toBeGreaterThan(1);

    // Resumed by the command line, then by the endpoint, which finds nothing left.
    const cli = await runCli({ DATABASE_URL: url, BEHALF_KEK: `${V1},${V2}` });
    expect(cli.code).toBe(0);
    expect(cli.output).toMatch(/re-wrapped 0 signing key\(s\) and \d+ secret\(s\) to KEK version 2/);
    expect(cli.output).not.toContain(Buffer.alloc(32, 0x22).toString('base64'));
    expect(await versions(url)).toEqual([[2, 13]]);

    const second = await startTestApp({ database: first.database, env: { BEHALF_KEK: `${V1},${V2}` } });
    const admin = await loginAsAdmin(second.app);
    const report = (await admin.request('POST', '/api/v1/admin/kek/rewrap')).json<KekRewrapReport>();
    expect(report).toEqual({ currentVersion: 2, rewrapped: { signingKeys: 0, userSecrets: 0 }, failed: [], complete: true });
    await second.stop();

    // The old KEK can go now: everything opens with the new one alone.
    const third = await startTestApp({ database: first.database, env: { BEHALF_KEK: V2 } });
    try {
      const service = third.app.get(SecretsService);
      for (const { userId, name, value } of values.values()) {
        expect(await service.reveal(userId, [name])).toEqual({ secrets: [{ name, value }], unreadable: [] });
      }
      expect(third.logs.text).not.toContain('lacks key-encryption key');
    } finally {
      await third.close();
    }
  });

  it('names at start-up every record whose KEK version the ring lacks', async () => {
    const first = await seed();
    const someone = [...values.values()][0];
    const login = (await sql<{ login: string }>(first.database.url, 'SELECT login FROM users WHERE id = $1', [someone.userId]))[0].login;
    await first.stop();
    // Move only the signing key (the first batch) to version 2, so the API can start without version 1.
    const pool = new Pool({ connectionString: first.database.url, max: 1 });
    await rewrapAll(pool, parseKeyRing(`${V1},${V2}`), new SealedStores([signingKeyStore, userSecretStore]), { batchSize: 100, maxBatches: 1 });
    await pool.end();

    const second = await startTestApp({ database: first.database, env: { BEHALF_KEK: V2 } });
    try {
      const line = second.logs.records.find((r) => String(r.msg).startsWith('BEHALF_KEK lacks key-encryption key version(s) 1'));
      expect(line?.level).toBe('error');
      expect(String(line?.msg)).toContain(`secret "s0" of user ${login} (version 1)`);
      expect(String(line?.msg)).toContain('needed by 12 record(s)');
      const admin = await loginAsAdmin(second.app);
      const report = (await admin.request('POST', '/api/v1/admin/kek/rewrap')).json<KekRewrapReport>();
      expect(report.failed).toHaveLength(12);
      expect(report.failed[0]).toEqual({
        record: expect.stringMatching(/^secret "s\d" of user /),
        kekVersion: 1,
        reason: 'KEK version 1 is not in BEHALF_KEK',
      });
      expect((await second.app.get(SecretsService).reveal(someone.userId, [someone.name])).unreadable).toEqual([
        { name: someone.name, reason: 'kek_version_missing' },
      ]);
    } finally {
      await second.close();
    }
  });
});

/** Runs `npm run kek:rewrap`'s built entry point. */
function runCli(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'dist/apps/api/kek/kek-rewrap.cli.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
