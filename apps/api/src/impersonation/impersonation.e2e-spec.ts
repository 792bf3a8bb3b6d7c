import type { Group, ImpersonationDecision, ImpersonationGrant, Page, SecuritySettings, User } from '@behalf/contracts';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, ManualClock, SessionClient } from '../../test/clients';
import { addMember, createGroup, createUser, userSession } from '../../test/fixtures/identity';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';
import { GrantRepository } from './grant.repository';
import { ImpersonationService } from './impersonation.service';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('impersonation grants, settings and the check endpoint', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: SessionClient;
  let nobody: Client;
  let regular: SessionClient;
  beforeAll(async () => {
    clock = new ManualClock();
    t = await startTestApp({ clock, env: { BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: '31536000', BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '31536000' } });
    admin = await loginAsAdmin(t.app);
    nobody = anonymous(t.app);
    regular = (await userSession(t.app, admin)).session;
  });
  afterAll(() => t.close());

  const grantUrl = (g1: string, g2: string) => `/api/v1/groups/${g1}/impersonation-targets/${g2}`;
  const check = async (actor: string, subject: string) => {
    const res = await admin.request('GET', `/api/v1/impersonation/check?actor=${encodeURIComponent(actor)}&subject=${encodeURIComponent(subject)}`);
    expect(res.statusCode).toBe(200);
    return res.json<ImpersonationDecision>();
  };

  /** A (in G1) and V (in G2). */
  async function pair(): Promise<{ actor: User; subject: User; g1: Group; g2: Group }> {
    const [actor, subject, g1, g2] = [await createUser(admin), await createUser(admin), await createGroup(admin), await createGroup(admin)];
    await addMember(admin, g1.id, actor.id);
    await addMember(admin, g2.id, subject.id);
    return { actor, subject, g1, g2 };
  }

  describe('grants', () => {
    it('creates, replaces, lists and removes a grant, recording who made it', async () => {
      const { g1, g2 } = await pair();
      const put = await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'support rota', expiresAt: '2030-02-01T00:00:00Z' });
      expect(put.statusCode).toBe(200);
      expect(put.json<ImpersonationGrant>()).toEqual({
        sourceGroup: { id: g1.id, name: g1.name },
        targetGroup: { id: g2.id, name: g2.name },
        reason: 'support rota',
        expiresAt: '2030-02-01T00:00:00.000Z',
        createdAt: clock.now().toISOString(),
        createdBy: { userId: expect.any(String), login: 'admin' },
      });
      const replaced = await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'permanent' });
      expect(replaced.json()).toMatchObject({ reason: 'permanent', expiresAt: null });
      const self = await admin.request('PUT', grantUrl(g1.id, g1.id), { reason: 'peers' });
      expect(self.statusCode).toBe(200);

      const list = (await admin.request('GET', `/api/v1/groups/${g1.id}/impersonation-targets?limit=1`)).json<Page<ImpersonationGrant>>();
      const next = (await admin.request('GET', `/api/v1/groups/${g1.id}/impersonation-targets?limit=1&cursor=${list.nextCursor}`)).json<
        Page<ImpersonationGrant>
      >();
      expect([...list.items, ...next.items].map((g) => g.targetGroup.id).sort()).toEqual([g1.id, g2.id].sort());

      expect((await admin.request('DELETE', grantUrl(g1.id, g2.id))).statusCode).toBe(204);
      expect((await admin.request('DELETE', grantUrl(g1.id, g2.id))).statusCode).toBe(204);
      const after = (await admin.request('GET', `/api/v1/groups/${g1.id}/impersonation-targets`)).json<Page<ImpersonationGrant>>();
      expect(after.items.map((g) => g.targetGroup.id)).toEqual([g1.id]);

      const audit = (await admin.request('GET', '/api/v1/audit-events?action=impersonation.grant.put')).json<Page<{ reason: string }>>();
      expect(audit.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['support rota', 'permanent', 'peers']));
      const deletes = (await admin.request('GET', '/api/v1/audit-events?action=impersonation.grant.delete')).json<Page<unknown>>();
      expect(deletes.items).toHaveLength(1);
    });

    it.each([
      [{}, ['body.reason']],
      [{ reason: '' }, ['body.reason']],
      [{ reason: 'x'.repeat(501) }, ['body.reason']],
      [{ reason: 'ok', expiresAt: 'soon' }, ['body.expiresAt']],
      [{ reason: 'ok', expiresAt: '2029-12-31T23:59:59Z' }, ['body.expiresAt']],
      [{ reason: 'ok', scope: 'all' }, ['body']],
    ])('refuses %j (400)', async (body, paths) => {
      const { g1, g2 } = await pair();
      expect(fieldErrors(await admin.request('PUT', grantUrl(g1.id, g2.id), body))).toEqual(paths);
    });

    it('answers 404 for unknown groups and 400 for malformed ids', async () => {
      const g = await createGroup(admin);
      expectProblem(await admin.request('PUT', grantUrl(UNKNOWN, g.id), { reason: 'x' }), 404);
      expectProblem(await admin.request('PUT', grantUrl(g.id, UNKNOWN), { reason: 'x' }), 404);
      expectProblem(await admin.request('DELETE', grantUrl(g.id, UNKNOWN)), 404);
      expectProblem(await admin.request('GET', `/api/v1/groups/${UNKNOWN}/impersonation-targets`), 404);
      expect(fieldErrors(await admin.request('PUT', grantUrl(g.id, 'x'), { reason: 'x' }))).toEqual(['params.targetGroupId']);
    });

    it('needs authentication (401) and the admin permission (403)', async () => {
      const g = await createGroup(admin);
      for (const [method, url, body] of [
        ['PUT', grantUrl(g.id, g.id), { reason: 'x' }],
        ['DELETE', grantUrl(g.id, g.id), undefined],
        ['GET', `/api/v1/groups/${g.id}/impersonation-targets`, undefined],
        ['GET', `/api/v1/impersonation/check?actor=a&subject=b`, undefined],
        ['GET', '/api/v1/settings/security', undefined],
        ['PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: true }],
      ] as const) {
        expectProblem(await nobody.request(method, url, body), 401);
        expectProblem(await regular.request(method, url, body), 403);
      }
    });
  });

  describe('GET /impersonation/check', () => {
    it('allows with a grant from a group of the actor to a group of the subject, naming the grant', async () => {
      const { actor, subject, g1, g2 } = await pair();
      expect(await check(actor.login, subject.login)).toEqual({
        allowed: false,
        reason: 'no_grant',
        actor: { id: actor.id, login: actor.login },
        subject: { id: subject.id, login: subject.login },
      });
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'on call' });
      expect(await check(actor.id, subject.id)).toEqual({
        allowed: true,
        reason: 'allowed',
        actor: { id: actor.id, login: actor.login },
        subject: { id: subject.id, login: subject.login },
        grant: { sourceGroup: { id: g1.id, name: g1.name }, targetGroup: { id: g2.id, name: g2.name }, reason: 'on call', expiresAt: null },
      });
      // Grants are directed: G2 may not impersonate G1.
      expect((await check(subject.login, actor.login)).reason).toBe('no_grant');
    });

    it('stops allowing when the grant expires, with the reason grant_expired', async () => {
      const { actor, subject, g1, g2 } = await pair();
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'time-boxed', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
      expect((await check(actor.login, subject.login)).allowed).toBe(true);
      clock.advance(60_000);
      const expired = await check(actor.login, subject.login);
      expect(expired).toMatchObject({ allowed: false, reason: 'grant_expired', grant: { reason: 'time-boxed' } });
    });

    it('refuses at once when the membership, the grant or a user changes', async () => {
      const { actor, subject, g1, g2 } = await pair();
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'x' });
      expect((await check(actor.login, subject.login)).allowed).toBe(true);
      await admin.request('PATCH', `/api/v1/users/${subject.id}`, { status: 'disabled' });
      expect((await check(actor.login, subject.login)).reason).toBe('subject_disabled');
      await admin.request('PATCH', `/api/v1/users/${subject.id}`, { status: 'active' });
      await admin.request('PATCH', `/api/v1/users/${actor.id}`, { status: 'disabled' });
      expect((await check(actor.login, subject.login)).reason).toBe('actor_disabled');
      await admin.request('PATCH', `/api/v1/users/${actor.id}`, { status: 'active' });
      expect((await check(actor.login, subject.login)).allowed).toBe(true);
      await admin.request('DELETE', `/api/v1/groups/${g2.id}/members/${subject.id}`);
      expect((await check(actor.login, subject.login)).reason).toBe('no_grant');
      await addMember(admin, g2.id, subject.id);
      await admin.request('DELETE', grantUrl(g1.id, g2.id));
      expect((await check(actor.login, subject.login)).reason).toBe('no_grant');
    });

    it('allows impersonating oneself without a grant', async () => {
      const user = await createUser(admin);
      expect(await check(user.login, user.id)).toMatchObject({ allowed: true, reason: 'self' });
    });

    it('refuses admin subjects unless allowImpersonatingAdmins is set and the actor is an admin', async () => {
      const { actor, subject, g1, g2 } = await pair();
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'x' });
      const admins = (await admin.request('GET', '/api/v1/groups?limit=200')).json<Page<Group>>().items.find((g) => g.name === 'admins')!;
      await addMember(admin, admins.id, subject.id);
      expect((await check(actor.login, subject.login)).reason).toBe('subject_is_admin');

      expect((await admin.request('GET', '/api/v1/settings/security')).json<SecuritySettings>()).toMatchObject({ allowImpersonatingAdmins: false });
      const patched = await admin.request('PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: true });
      expect(patched.json()).toMatchObject({ allowImpersonatingAdmins: true });
      expect((await check(actor.login, subject.login)).reason).toBe('subject_is_admin');
      await addMember(admin, admins.id, actor.id);
      expect((await check(actor.login, subject.login)).reason).toBe('allowed');
      await admin.request('PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: false });
      expect((await check(actor.login, subject.login)).reason).toBe('subject_is_admin');
      const changes = (await admin.request('GET', '/api/v1/audit-events?action=settings.security.update')).json<Page<{ details: unknown }>>();
      expect(changes.items[0].details).toEqual({ changes: { allowImpersonatingAdmins: { from: true, to: false } } });
    });

    it('audits every check with its outcome and reason', async () => {
      const { actor, subject } = await pair();
      await check(actor.login, subject.login);
      const events = (await admin.request('GET', `/api/v1/audit-events?action=impersonation.check&subject=${subject.id}`)).json<
        Page<{ outcome: string; reason: string }>
      >();
      expect(events.items[0]).toMatchObject({ outcome: 'denied', reason: 'no_grant' });
    });

    it('judges a webapp’s own rules when asked about one: impersonation allowed, a live run as the actor, the viewer may view it', async () => {
      const { actor, subject, g1, g2 } = await pair();
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'on call' });
      const webapp = await createWebapp(admin);
      await patchSettings(admin, webapp.id, { runAsUserId: actor.id, allowImpersonation: false });
      const inWebapp = async (a: string, v: string) => {
        const res = await admin.request('GET', `/api/v1/impersonation/check?actor=${a}&subject=${v}&webapp=${webapp.id}`);
        expect(res.statusCode).toBe(200);
        return res.json<ImpersonationDecision>();
      };
      // Without the webapp, the people alone: allowed.
      expect((await check(actor.login, subject.login)).reason).toBe('allowed');
      expect(await inWebapp(actor.login, subject.login)).toEqual({
        allowed: false,
        reason: 'impersonation_not_allowed',
        actor: { id: actor.id, login: actor.login },
        subject: { id: subject.id, login: subject.login },
        webapp: { id: webapp.id, name: webapp.name, runId: null },
      });
      await patchSettings(admin, webapp.id, { allowImpersonation: true });
      expect(await inWebapp(actor.login, subject.login)).toMatchObject({ allowed: false, reason: 'run_stopped', webapp: { runId: null } });
      const run = await startRun(t.app, admin, webapp.id);
      expect(await inWebapp(actor.login, subject.login)).toMatchObject({
        allowed: true,
        reason: 'allowed',
        webapp: { id: webapp.id, runId: run.runId },
        grant: { reason: 'on call' },
      });
      // The run runs as the actor: someone else asked about is not its identity.
      const other = await createUser(admin);
      await addMember(admin, g1.id, other.id);
      expect((await check(other.login, subject.login)).reason).toBe('allowed');
      expect(await inWebapp(other.login, subject.login)).toMatchObject({ allowed: false, reason: 'not_run_identity', webapp: { runId: null } });
      // A restricted webapp the viewer may not view.
      await patchSettings(admin, webapp.id, { access: 'restricted', viewers: { users: [], groups: [] } });
      expect(await inWebapp(actor.login, subject.login)).toMatchObject({ allowed: false, reason: 'viewer_cannot_view' });
      await patchSettings(admin, webapp.id, { viewers: { users: [], groups: [g2.id] } });
      expect((await inWebapp(actor.login, subject.login)).reason).toBe('allowed');
      // The webapp's rules come first, then the people's, as in the exchange.
      await admin.request('PATCH', `/api/v1/users/${subject.id}`, { status: 'disabled' });
      expect((await inWebapp(actor.login, subject.login)).reason).toBe('subject_disabled');
      await admin.request('PATCH', `/api/v1/users/${subject.id}`, { status: 'active' });
      expect((await admin.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).statusCode).toBeLessThan(300);
      expect(await inWebapp(actor.login, subject.login)).toMatchObject({ allowed: false, reason: 'run_stopped', webapp: { runId: null } });
      // Audited with the webapp.
      const events = (await admin.request('GET', `/api/v1/audit-events?action=impersonation.check&subject=${subject.id}&webapp=${webapp.id}`)).json<
        Page<{ outcome: string; reason: string; webappId: string }>
      >();
      expect(events.items[0]).toMatchObject({ outcome: 'denied', reason: 'run_stopped', webappId: webapp.id });
      expect(events.items.map((e) => e.reason)).toContain('not_run_identity');
    });

    it('answers 404 for an unknown webapp and 400 for a webapp that is no id', async () => {
      const user = await createUser(admin);
      expectProblem(await admin.request('GET', `/api/v1/impersonation/check?actor=${user.login}&subject=${user.login}&webapp=${UNKNOWN}`), 404);
      expect(fieldErrors(await admin.request('GET', `/api/v1/impersonation/check?actor=${user.login}&subject=${user.login}&webapp=nope`))).toEqual([
        'query.webapp',
      ]);
    });

    it('answers 404 for an unknown actor or subject, and 400 without them', async () => {
      const user = await createUser(admin);
      expectProblem(await admin.request('GET', `/api/v1/impersonation/check?actor=nobody-here&subject=${user.login}`), 404);
      expectProblem(await admin.request('GET', `/api/v1/impersonation/check?actor=${user.login}&subject=${UNKNOWN}`), 404);
      expect(fieldErrors(await admin.request('GET', '/api/v1/impersonation/check?actor=x'))).toEqual(['query.subject']);
    });
  });

  describe('the decision cache', () => {
    it('reads the database once per (actor, subject) in the steady state, and again after a policy change', async () => {
      const { actor, subject, g1, g2 } = await pair();
      const service = t.app.get(ImpersonationService);
      const repository = t.app.get(GrantRepository);
      const reads = jest.spyOn(repository, 'decisionFacts');
      try {
        for (let i = 0; i < 5; i += 1) expect((await service.decide({ id: actor.id }, { id: subject.id }))?.decision.reason).toBe('no_grant');
        expect(reads).toHaveBeenCalledTimes(1);
        // Writes that cannot change a decision (login, API keys) keep the cache.
        await loginAsAdmin(t.app);
        expect((await admin.request('POST', '/api/v1/api-keys', { name: 'cache' })).statusCode).toBe(201);
        await service.decide({ id: actor.id }, { id: subject.id });
        expect(reads).toHaveBeenCalledTimes(1);
        await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'cache' });
        for (let i = 0; i < 5; i += 1) expect((await service.decide({ id: actor.id }, { id: subject.id }))?.decision.reason).toBe('allowed');
        expect(reads).toHaveBeenCalledTimes(2);
      } finally {
        reads.mockRestore();
      }
    });

    it('judges a cached grant’s expiry against the clock on every use', async () => {
      const { actor, subject, g1, g2 } = await pair();
      await admin.request('PUT', grantUrl(g1.id, g2.id), { reason: 'short', expiresAt: new Date(clock.now().getTime() + 1_000).toISOString() });
      const service = t.app.get(ImpersonationService);
      expect((await service.decide({ id: actor.id }, { id: subject.id }))?.decision.reason).toBe('allowed');
      clock.advance(1_000);
      expect((await service.decide({ id: actor.id }, { id: subject.id }))?.decision.reason).toBe('grant_expired');
    });
  });

  it('refuses a malformed settings patch (400)', async () => {
    expect(fieldErrors(await admin.request('PATCH', '/api/v1/settings/security', { allowImpersonatingAdmins: 'yes' }))).toEqual([
      'body.allowImpersonatingAdmins',
    ]);
    expect(fieldErrors(await admin.request('PATCH', '/api/v1/settings/security', { unknown: true }))).toEqual(['body']);
  });
});
