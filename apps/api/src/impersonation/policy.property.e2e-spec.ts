import type { ImpersonationDecision, ImpersonationReason } from '@behalf/contracts';
import fc from 'fast-check';
import { Client, loginAsAdmin, ManualClock } from '../../test/clients';
import { apiKeyClient, uniqueLogin } from '../../test/fixtures/identity';
import { startTestApp, TestApp } from '../../test/harness';

/**
 * Random worlds of users, groups, memberships, grants (with and without expiry), admins and
 * disabled users are built through the REST API, then changed by random steps; after each step
 * every (actor, subject) decision of the API is compared with the reference model below.
 */
const RUNS = 200;
const MIN_DECISIONS = 5_000;
const SEED = Number(process.env.BEHALF_PROPERTY_SEED ?? 20261123);
const MINUTE = 60_000;

// ---- the reference model, written plainly ----

interface World {
  active: boolean[]; // per user
  adminGroup: boolean[]; // per group
  members: Set<string>; // `${user}:${group}`
  grants: Map<string, number | null>; // `${g1}:${g2}` -> expiry (ms) or null
  allowAdmins: boolean;
  now: number;
}

function isAdmin(w: World, u: number): boolean {
  return w.adminGroup.some((admin, g) => admin && w.members.has(`${u}:${g}`));
}

function modelDecision(w: World, a: number, s: number): ImpersonationReason {
  if (!w.active[a]) return 'actor_disabled';
  if (!w.active[s]) return 'subject_disabled';
  if (a === s) return 'self';
  if (isAdmin(w, s) && !(w.allowAdmins && isAdmin(w, a))) return 'subject_is_admin';
  let sawExpired = false;
  for (const [key, expiry] of w.grants) {
    const [g1, g2] = key.split(':').map(Number);
    if (!w.members.has(`${a}:${g1}`) || !w.members.has(`${s}:${g2}`)) continue;
    if (expiry === null || expiry > w.now) return 'allowed';
    sawExpired = true;
  }
  return sawExpired ? 'grant_expired' : 'no_grant';
}

// ---- the random worlds and steps ----

type Step =
  | { kind: 'addMember' | 'removeMember'; user: number; group: number }
  | { kind: 'setActive'; user: number; active: boolean }
  | { kind: 'putGrant'; from: number; to: number; minutes: number | null }
  | { kind: 'deleteGrant'; from: number; to: number }
  | { kind: 'setAdminGroup'; group: number; admin: boolean }
  | { kind: 'setAllowAdmins'; allow: boolean }
  | { kind: 'advance'; minutes: number };

const index = fc.nat({ max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('addMember' as const, 'removeMember' as const), user: index, group: index }),
  fc.record({ kind: fc.constant('setActive' as const), user: index, active: fc.boolean() }),
  fc.record({ kind: fc.constant('putGrant' as const), from: index, to: index, minutes: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }) }),
  fc.record({ kind: fc.constant('deleteGrant' as const), from: index, to: index }),
  fc.record({ kind: fc.constant('setAdminGroup' as const), group: index, admin: fc.boolean() }),
  fc.record({ kind: fc.constant('setAllowAdmins' as const), allow: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 40 }) }),
);

const worldSpec = fc.record({
  active: fc.array(
    fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
    { minLength: 3, maxLength: 5 },
  ),
  adminGroup: fc.array(
    fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
    { minLength: 1, maxLength: 4 },
  ),
  members: fc.array(fc.tuple(index, index), { maxLength: 12 }),
  grants: fc.array(fc.tuple(index, index, fc.option(fc.integer({ min: 1, max: 30 }), { nil: null })), { maxLength: 6 }),
  allowAdmins: fc.boolean(),
  steps: fc.array(step, { minLength: 2, maxLength: 4 }),
});

describe('the impersonation policy against a reference model', () => {
  let t: TestApp;
  let clock: ManualClock;
  let api: Client;
  let decisions = 0;
  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestApp({
      clock,
      env: { BEHALF_LOG_LEVEL: 'warn', BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: '31536000', BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '31536000' },
    });
    api = (await apiKeyClient(t.app, await loginAsAdmin(t.app))).client;
  });
  afterAll(() => t.close());

  async function call(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, body?: unknown): Promise<unknown> {
    const res = await api.request(method, url, body);
    if (res.statusCode >= 300) throw new Error(`${method} ${url} -> ${res.statusCode} ${res.body}`);
    return res.body ? (JSON.parse(res.body) as unknown) : undefined;
  }

  it(`agrees with the model in ${RUNS} random worlds`, async () => {
    await fc.assert(
      fc.asyncProperty(worldSpec, async (spec) => {
        // Independent creations go in parallel; only their order in the arrays matters.
        const userIds = await Promise.all(
          spec.active.map(
            async (active) =>
              ((await call('POST', '/api/v1/users', { login: uniqueLogin('pbt'), status: active ? 'active' : 'disabled' })) as { id: string }).id,
          ),
        );
        const groupIds = await Promise.all(
          spec.adminGroup.map(
            async (admin) => ((await call('POST', '/api/v1/groups', { name: uniqueLogin('pbt'), permissions: { admin } })) as { id: string }).id,
          ),
        );
        const w: World = {
          active: [...spec.active],
          adminGroup: [...spec.adminGroup],
          members: new Set(),
          grants: new Map(),
          allowAdmins: spec.allowAdmins,
          now: clock.now().getTime(),
        };
        const u = (i: number) => i % userIds.length;
        const g = (i: number) => i % groupIds.length;

        const apply = async (s: Step) => {
          switch (s.kind) {
            case 'addMember':
              await call('PUT', `/api/v1/groups/${groupIds[g(s.group)]}/members/${userIds[u(s.user)]}`);
              w.members.add(`${u(s.user)}:${g(s.group)}`);
              break;
            case 'removeMember':
              await call('DELETE', `/api/v1/groups/${groupIds[g(s.group)]}/members/${userIds[u(s.user)]}`);
              w.members.delete(`${u(s.user)}:${g(s.group)}`);
              break;
            case 'setActive':
              await call('PATCH', `/api/v1/users/${userIds[u(s.user)]}`, { status: s.active ? 'active' : 'disabled' });
              w.active[u(s.user)] = s.active;
              break;
            case 'putGrant': {
              const expiry = s.minutes === null ? null : w.now + s.minutes * MINUTE;
              await call('PUT', `/api/v1/groups/${groupIds[g(s.from)]}/impersonation-targets/${groupIds[g(s.to)]}`, {
                reason: 'property test',
                ...(expiry === null ? {} : { expiresAt: new Date(expiry).toISOString() }),
              });
              w.grants.set(`${g(s.from)}:${g(s.to)}`, expiry);
              break;
            }
            case 'deleteGrant':
              await call('DELETE', `/api/v1/groups/${groupIds[g(s.from)]}/impersonation-targets/${groupIds[g(s.to)]}`);
              w.grants.delete(`${g(s.from)}:${g(s.to)}`);
              break;
            case 'setAdminGroup':
              await call('PATCH', `/api/v1/groups/${groupIds[g(s.group)]}`, { permissions: { admin: s.admin } });
              w.adminGroup[g(s.group)] = s.admin;
              break;
            case 'setAllowAdmins':
              await call('PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: s.allow });
              w.allowAdmins = s.allow;
              break;
            case 'advance':
              clock.advance(s.minutes * MINUTE);
              w.now = clock.now().getTime();
              break;
          }
        };

        const compareAll = async (after: string) => {
          // All pairs at once, as concurrent requests would ask.
          const pairs = userIds.flatMap((_, a) => userIds.map((__, s) => [a, s] as const));
          const answers = await Promise.all(
            pairs.map(([a, s]) => call('GET', `/api/v1/impersonation/check?actor=${userIds[a]}&subject=${userIds[s]}`) as Promise<ImpersonationDecision>),
          );
          for (const [i, [a, s]] of pairs.entries()) {
            const expected = modelDecision(w, a, s);
            decisions += 1;
            const answer = answers[i];
            if (answer.reason !== expected || answer.allowed !== (expected === 'allowed' || expected === 'self')) {
              throw new Error(`after ${after}: actor ${a} subject ${s}: API said ${answer.reason}/${answer.allowed}, model ${expected}`);
            }
          }
        };

        await call('PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: spec.allowAdmins });
        await Promise.all(spec.members.map(([user, group]) => apply({ kind: 'addMember', user, group })));
        // The last grant for a pair wins, as it would in sequence; distinct pairs go in parallel.
        const lastGrant = new Map(spec.grants.map(([from, to, minutes]) => [`${g(from)}:${g(to)}`, { from, to, minutes }]));
        await Promise.all([...lastGrant.values()].map((grant) => apply({ kind: 'putGrant', ...grant })));
        await compareAll('building the world');
        for (const [i, s] of spec.steps.entries()) {
          await apply(s);
          await compareAll(`step ${i} ${JSON.stringify(s)}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    process.stdout.write(`compared ${decisions} decisions in ${RUNS} worlds\n`);
    expect(decisions).toBeGreaterThanOrEqual(MIN_DECISIONS);
  }, 600_000);
});
