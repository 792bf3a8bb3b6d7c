import type { Me, StartedRun, User, Webapp } from '@behalf/contracts';
import fc from 'fast-check';
import { Client as Pg } from 'pg';
import { Client, loginAs, loginAsAdmin, Response, SessionClient, withBearer } from '../clients';
import { addMember, createGroup, createUser, PASSWORD } from '../fixtures/identity';
import { startTestApp, TestApp } from '../harness';

/**
 * Issue 14's property: random sequences of the operations that decide who a webapp runs as, and
 * who holds its backend tokens, checked after every step against three invariants:
 *
 * 1. no non-admin ever holds a usable backend token whose identity has a permission they lack,
 *    unless an admin pinned that identity as the webapp's run-as user;
 * 2. no token principal ever changed control-plane state (every such attempt is refused, and no
 *    record of a change carries its request);
 * 3. every committed change has exactly one audit record (a request that failed has none).
 */
const RUNS = 200;
const SEED = Number(process.env.BEHALF_PROPERTY_SEED ?? 20261130);

/** The people: 0 is the first-start admin; 1 and 2 may create webapps; 3 may not. */
const PEOPLE = 4;
const PLAIN = [1, 2, 3];

type Op =
  | { op: 'create'; by: number }
  | { op: 'editSource'; by: number; app: number }
  | { op: 'rename'; by: number; app: number }
  | { op: 'transfer'; app: number; to: number }
  | { op: 'settings'; by: number; app: number; starter: boolean; restricted: boolean }
  | { op: 'pin'; by: number; app: number; who: number }
  | { op: 'start'; by: number; app: number }
  | { op: 'stop'; by: number; run: number }
  | { op: 'disable'; who: number }
  | { op: 'resetPassword'; who: number }
  | { op: 'grant'; who: number; group: number }
  | { op: 'revoke'; who: number; group: number }
  | { op: 'tokenAttack'; token: number; attack: number };

const person = fc.integer({ min: 0, max: PEOPLE - 1 });
const plain = fc.constantFrom(...PLAIN);
const index = fc.nat({ max: 7 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('create' as const), by: fc.constantFrom(0, 1, 2) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('editSource' as const), by: person, app: index }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), by: person, app: index }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('transfer' as const), app: index, to: person }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('settings' as const), by: person, app: index, starter: fc.boolean(), restricted: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('pin' as const), by: person, app: index, who: person }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('start' as const), by: person, app: index }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('stop' as const), by: person, run: index }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('disable' as const), who: plain }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('resetPassword' as const), who: plain }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('grant' as const), who: plain, group: fc.nat({ max: 1 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('revoke' as const), who: plain, group: fc.nat({ max: 1 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('tokenAttack' as const), token: index, attack: fc.nat({ max: 5 }) }), weight: 4 },
);

/** A sequence starts with a webapp of a non-admin creator's, so most sequences have one to work on. */
const sequenceArb = fc
  .tuple(fc.record({ op: fc.constant('create' as const), by: fc.constantFrom(1, 2) }), fc.array(opArb, { minLength: 1, maxLength: 11 }))
  .map(([first, rest]): Op[] => [first, ...rest]);

describe('who holds a backend token, and who changes anything (property)', () => {
  let t: TestApp;
  let pg: Pg;
  let users: User[];
  /** Groups an operation may grant or revoke: 0 gives admin, 1 mayManageDatasets. */
  let grantable: string[];
  let creators: string;
  let sessions: (SessionClient | undefined)[];
  let checkedTokens = 0;
  let attacks = 0;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Pg({ connectionString: t.database.url });
    await pg.connect();
    const admin = await loginAsAdmin(t.app);
    const me = (await admin.request('GET', '/api/v1/auth/me')).json<Me>();
    creators = (await createGroup(admin, { permissions: { mayCreateWebapps: true } })).id;
    grantable = [(await createGroup(admin, { permissions: { admin: true } })).id, (await createGroup(admin, { permissions: { mayManageDatasets: true } })).id];
    users = [{ id: me.id, login: me.login } as User];
    for (let i = 1; i < PEOPLE; i += 1) users.push(await createUser(admin));
    await addMember(admin, creators, users[1].id);
    await addMember(admin, creators, users[2].id);
    sessions = [admin, ...(await Promise.all(users.slice(1).map((u) => loginAs(t.app, u.login, PASSWORD))))];
  }, 60_000);

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  const q = async <T extends object>(text: string, values: unknown[] = []) => (await pg.query<T>(text, values)).rows;

  /** The permissions a user holds now, from the database. */
  const permissionsOf = async (userId: string): Promise<Set<string>> => {
    const rows = await q<{ is_admin: boolean; may_create_webapps: boolean; may_manage_datasets: boolean }>(
      `SELECT g.is_admin, g.may_create_webapps, g.may_manage_datasets FROM memberships m JOIN groups g ON g.id = m.group_id
        JOIN users u ON u.id = m.user_id WHERE m.user_id = $1 AND u.status = 'active'`,
      [userId],
    );
    const held = new Set<string>();
    for (const r of rows) {
      if (r.is_admin) held.add('admin');
      if (r.may_create_webapps) held.add('mayCreateWebapps');
      if (r.may_manage_datasets) held.add('mayManageDatasets');
    }
    return held;
  };

  /** Puts every plain user back: active, logged in, with the baseline memberships only. */
  async function reset(): Promise<void> {
    const admin = sessions[0]!;
    for (const i of PLAIN) {
      const user = users[i];
      const status = (await q<{ status: string }>('SELECT status FROM users WHERE id = $1', [user.id]))[0].status;
      if (status !== 'active') await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'active' });
      for (const group of grantable) await admin.request('DELETE', `/api/v1/groups/${group}/members/${user.id}`);
      const alive = sessions[i] && (await sessions[i]!.request('GET', '/api/v1/auth/me')).statusCode === 200;
      if (!alive) {
        await admin.request('PATCH', `/api/v1/users/${user.id}`, { password: PASSWORD });
        sessions[i] = await loginAs(t.app, user.login, PASSWORD);
      }
    }
    // Runs of earlier sequences stop; their webapps are no longer used.
    await q(`UPDATE webapp_runs SET stopped_at = now(), stop_reason = 'test_reset' WHERE stopped_at IS NULL`);
  }

  interface HeldToken {
    holder: number;
    webappId: string;
    runId: string;
    token: string;
  }

  /** One committed request's expectations: its main action, and whether it changed something. */
  interface Expectation {
    requestId: string;
    status: number;
    action: string;
    changed: boolean;
  }

  const requestIdOf = (res: Response) => String(res.headers['x-request-id']);
  const CONTROL_PLANE_ATTACKS: ((webappId: string, runId: string) => [string, string, unknown])[] = [
    () => ['POST', '/api/v1/webapps', { name: 'by-a-token', kind: 'dash' }],
    (w) => ['PATCH', `/api/v1/webapps/${w}/settings`, { access: 'public' }],
    (w) => ['POST', `/api/v1/webapps/${w}/runs`, {}],
    () => ['PUT', '/api/v1/users/me/secrets/by-a-token', { value: 'x' }],
    () => ['POST', '/api/v1/api-keys', { name: 'by-a-token' }],
    () => ['PUT', `/api/v1/groups/${grantable[0]}/members/${users[3].id}`, undefined],
  ];

  async function step(op: Op, apps: Webapp[], runs: { webappId: string; runId: string }[], tokens: HeldToken[]): Promise<Expectation | { attack: Response }> {
    const as = (i: number): Client => sessions[i] ?? sessions[0]!;
    const app = 'app' in op ? apps[op.app % Math.max(1, apps.length)] : undefined;
    const expect1 = async (res: Response, action: string, changed = true): Promise<Expectation> => ({
      requestId: requestIdOf(res),
      status: res.statusCode,
      action,
      changed,
    });
    switch (op.op) {
      case 'create': {
        const res = await as(op.by).request('POST', '/api/v1/webapps', {
          name: `app-${apps.length}`,
          kind: 'dash',
          source: { type: 'image', image: `registry.example.com/app:${op.by}` },
        });
        if (res.statusCode === 201) apps.push(res.json<Webapp>());
        return expect1(res, 'webapp.create');
      }
      case 'editSource':
      case 'rename': {
        if (!app) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        const body =
          op.op === 'rename'
            ? { name: `renamed-${Math.random().toString(36).slice(2, 8)}` }
            : { source: { type: 'image', image: `registry.example.com/app:${Date.now()}` } };
        return expect1(await as(op.by).request('PATCH', `/api/v1/webapps/${app.id}`, body), 'webapp.update');
      }
      case 'transfer': {
        if (!app) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        return expect1(await as(0).request('PATCH', `/api/v1/webapps/${app.id}`, { ownerUserId: users[op.to].id }), 'webapp.update');
      }
      case 'settings': {
        if (!app) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        const body = { identityMode: op.starter ? 'starter' : 'run_as_user', access: op.restricted ? 'restricted' : 'authenticated' };
        return expect1(await as(op.by).request('PATCH', `/api/v1/webapps/${app.id}/settings`, body), 'webapp.settings.update');
      }
      case 'pin': {
        if (!app) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        return expect1(await as(op.by).request('PATCH', `/api/v1/webapps/${app.id}/settings`, { runAsUserId: users[op.who].id }), 'webapp.settings.update');
      }
      case 'start': {
        if (!app) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        const res = await as(op.by).request('POST', `/api/v1/webapps/${app.id}/runs`, {});
        if (res.statusCode === 201) {
          const run = res.json<StartedRun>();
          runs.push({ webappId: app.id, runId: run.runId });
          tokens.push({ holder: op.by, webappId: app.id, runId: run.runId, token: run.backendToken });
        }
        return expect1(res, 'webapp.run.start');
      }
      case 'stop': {
        const run = runs[op.run % Math.max(1, runs.length)];
        if (!run) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        const [{ stopped }] = await q<{ stopped: boolean }>('SELECT stopped_at IS NOT NULL AS stopped FROM webapp_runs WHERE id = $1', [run.runId]);
        return expect1(await as(op.by).request('DELETE', `/api/v1/webapps/${run.webappId}/runs/${run.runId}`), 'webapp.run.stop', !stopped);
      }
      case 'disable':
        return expect1(await as(0).request('PATCH', `/api/v1/users/${users[op.who].id}`, { status: 'disabled' }), 'user.update');
      case 'resetPassword':
        return expect1(await as(0).request('PATCH', `/api/v1/users/${users[op.who].id}`, { password: `reset-password-${op.who}-xyz` }), 'user.update');
      case 'grant':
      case 'revoke': {
        const [{ member }] = await q<{ member: boolean }>('SELECT EXISTS (SELECT 1 FROM memberships WHERE group_id = $1 AND user_id = $2) AS member', [
          grantable[op.group],
          users[op.who].id,
        ]);
        const url = `/api/v1/groups/${grantable[op.group]}/members/${users[op.who].id}`;
        return op.op === 'grant'
          ? expect1(await as(0).request('PUT', url), 'group.member.add', !member)
          : expect1(await as(0).request('DELETE', url), 'group.member.remove', member);
      }
      case 'tokenAttack': {
        const held = tokens[op.token % Math.max(1, tokens.length)];
        if (!held) return expect1(await as(0).request('GET', '/healthz'), 'none', false);
        const [method, url, body] = CONTROL_PLANE_ATTACKS[op.attack](held.webappId, held.runId);
        attacks += 1;
        return { attack: await withBearer(t.app, held.token).request(method as 'POST', url, body) };
      }
    }
  }

  /** Invariant 1, over every token handed out in this sequence. */
  async function noBorrowedPermission(tokens: HeldToken[]): Promise<void> {
    for (const held of tokens) {
      const holderPermissions = await permissionsOf(users[held.holder].id);
      if (holderPermissions.has('admin')) continue;
      const me = await withBearer(t.app, held.token).request('GET', '/api/v1/auth/me');
      if (me.statusCode !== 200) continue;
      checkedTokens += 1;
      const identity = me.json<Me>();
      const [webapp] = await q<{ run_as_user_id: string | null; run_as_pinned_by_admin: boolean }>(
        'SELECT run_as_user_id, run_as_pinned_by_admin FROM webapps WHERE id = $1',
        [held.webappId],
      );
      const pinned = webapp?.run_as_pinned_by_admin && webapp.run_as_user_id === identity.id;
      const borrowed = identity.permissions.filter((p) => !holderPermissions.has(p));
      expect({ token: held.runId, holder: users[held.holder].login, identity: identity.login, borrowed: pinned ? [] : borrowed }).toEqual({
        token: held.runId,
        holder: users[held.holder].login,
        identity: identity.login,
        borrowed: [],
      });
    }
  }

  /** Invariant 3 for a person's request; invariant 2 for a token's. */
  async function recordsHold(outcome: Expectation | { attack: Response }): Promise<void> {
    if ('attack' in outcome) {
      expect(outcome.attack.statusCode).toBeGreaterThanOrEqual(400);
      expect(outcome.attack.statusCode).toBeLessThan(500);
      const changed = await q<{ action: string }>(`SELECT action FROM audit_events WHERE request_id = $1 AND outcome = 'succeeded'`, [
        requestIdOf(outcome.attack),
      ]);
      expect(changed).toEqual([]);
      return;
    }
    if (outcome.action === 'none') return;
    const records = await q<{ action: string; target_id: string | null; outcome: string }>(
      'SELECT action, target_id, outcome FROM audit_events WHERE request_id = $1 ORDER BY id',
      [outcome.requestId],
    );
    const succeeded = records.filter((r) => r.outcome === 'succeeded');
    expect(outcome.status).toBeLessThan(500);
    if (outcome.status >= 300) {
      expect({ failed: outcome.status, succeededRecords: succeeded }).toEqual({ failed: outcome.status, succeededRecords: [] });
      return;
    }
    // The change asked for has one record (none when it changed nothing); the runs it stopped
    // as a consequence have one each.
    const main = succeeded.filter((r) => r.action === outcome.action);
    const cascades = succeeded.filter((r) => r.action !== outcome.action);
    expect({ action: outcome.action, records: main.length }).toEqual({ action: outcome.action, records: outcome.changed ? 1 : 0 });
    expect(cascades.map((r) => r.action).filter((a) => a !== 'webapp.run.stop')).toEqual([]);
    const stoppedRuns = cascades.map((r) => r.target_id!);
    expect(new Set(stoppedRuns).size).toBe(stoppedRuns.length);
    for (const runId of stoppedRuns) {
      const [run] = await q<{ stopped: boolean }>('SELECT stopped_at IS NOT NULL AS stopped FROM webapp_runs WHERE id = $1', [runId]);
      expect(run.stopped).toBe(true);
    }
  }

  it(`holds over ${RUNS} random sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (ops) => {
        await reset();
        const apps: Webapp[] = [];
        const runs: { webappId: string; runId: string }[] = [];
        const tokens: HeldToken[] = [];
        for (const op of ops) {
          const outcome = await step(op, apps, runs, tokens);
          await recordsHold(outcome);
          await noBorrowedPermission(tokens);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Every run was judged: tokens were held and checked, and attacks were made.
    expect(checkedTokens).toBeGreaterThan(100);
    expect(attacks).toBeGreaterThan(40);
    // Each committed stop has one record, whichever request caused it; and the chain holds.
    const doubled = await q('SELECT target_id FROM audit_events WHERE action = $1 GROUP BY target_id HAVING count(*) > 1', ['webapp.run.stop']);
    expect(doubled).toEqual([]);
    const verification = (await sessions[0]!.request('GET', '/api/v1/audit-events/verify')).json<{ ok: boolean }>();
    expect(verification.ok).toBe(true);
  }, 600_000);
});
