import type { ImpersonationDecision } from '@behalf/contracts';
import type { SessionClient } from '../../test/clients';
import { addMember, createGroup, createUser } from '../../test/fixtures/identity';
import { sql, TestApp } from '../../test/harness';
import { PROPAGATION_BUDGET_MS, Replicas, startReplicas, timeUntil } from '../../test/replicas';

describe('two API instances on one database', () => {
  let replicas: Replicas;
  let a: TestApp;
  let adminA: SessionClient;
  let adminB: SessionClient;
  beforeAll(async () => {
    replicas = await startReplicas();
    ({ a, adminA, adminB } = replicas);
  });
  afterAll(() => replicas.close());

  const checkOn = async (admin: SessionClient, actor: string, subject: string) =>
    (await admin.request('GET', `/api/v1/impersonation/check?actor=${actor}&subject=${subject}`)).json<ImpersonationDecision>().reason;

  /** Polls replica B until it gives `reason`; returns how long that took after the change committed. */
  const untilB = (actor: string, subject: string, reason: string, changedAt: number) =>
    timeUntil(async () => (await checkOn(adminB, actor, subject)) === reason, changedAt);

  it('sees a grant, a membership and a status change made through the other within 1 s', async () => {
    const actor = await createUser(adminA);
    const subject = await createUser(adminA);
    const g1 = await createGroup(adminA);
    const g2 = await createGroup(adminA);
    await addMember(adminA, g1.id, actor.id);
    await addMember(adminA, g2.id, subject.id);
    // B decides (and caches) first.
    expect(await checkOn(adminB, actor.login, subject.login)).toBe('no_grant');
    expect(await checkOn(adminB, actor.login, subject.login)).toBe('no_grant');

    await adminA.request('PUT', `/api/v1/groups/${g1.id}/impersonation-targets/${g2.id}`, { reason: 'replicas' });
    expect(await untilB(actor.login, subject.login, 'allowed', Date.now())).toBeLessThan(PROPAGATION_BUDGET_MS);

    await adminA.request('DELETE', `/api/v1/groups/${g2.id}/members/${subject.id}`);
    expect(await untilB(actor.login, subject.login, 'no_grant', Date.now())).toBeLessThan(PROPAGATION_BUDGET_MS);

    await addMember(adminA, g2.id, subject.id);
    expect(await untilB(actor.login, subject.login, 'allowed', Date.now())).toBeLessThan(PROPAGATION_BUDGET_MS);

    await adminA.request('PATCH', `/api/v1/users/${actor.id}`, { status: 'disabled' });
    expect(await untilB(actor.login, subject.login, 'actor_disabled', Date.now())).toBeLessThan(PROPAGATION_BUDGET_MS);
  });

  it('sees a change made with SQL behind both instances’ backs within 1 s', async () => {
    const actor = await createUser(adminA);
    const subject = await createUser(adminA);
    const g = await createGroup(adminA);
    await addMember(adminA, g.id, actor.id);
    await addMember(adminA, g.id, subject.id);
    await adminA.request('PUT', `/api/v1/groups/${g.id}/impersonation-targets/${g.id}`, { reason: 'peers' });
    expect(await checkOn(adminB, actor.login, subject.login)).toBe('allowed');

    await sql(a.database.url, 'DELETE FROM impersonation_grants WHERE source_group_id = $1', [g.id]);
    expect(await untilB(actor.login, subject.login, 'no_grant', Date.now())).toBeLessThan(PROPAGATION_BUDGET_MS);
  });
});
