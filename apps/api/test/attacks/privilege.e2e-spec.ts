import type { AuditEvent, Jwks, KeyRotation, Page, SecretConsent, Webapp, WebappRun, WebappSettingsView } from '@behalf/contracts';
import { decodeProtectedHeader } from 'jose';
import { anonymous, expectProblem, loginAs, loginAsAdmin, ManualClock, SessionClient, withBearer } from '../clients';
import { addMember, createGroup, createUser, PASSWORD, userSession } from '../fixtures/identity';
import { authInfoOk, browserOf, exchange, identityToken } from '../fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../fixtures/webapps';
import { RunAuthority } from '../../src/webapps/run-authority.service';
import { startTestApp, TestApp } from '../harness';

/**
 * Replays of the privilege attacks of issue 14 over HTTP: each worked against the earlier API,
 * each must fail now. One `describe` per attack, named by it.
 */
describe('attacks on privilege', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: SessionClient;
  let owner: { id: string; login: string; session: SessionClient };
  let creators: string;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await startTestApp({ clock });
    admin = await loginAsAdmin(t.app);
    creators = (await createGroup(admin, { permissions: { mayCreateWebapps: true } })).id;
    const { user, session } = await userSession(t.app, admin);
    await addMember(admin, creators, user.id);
    owner = { id: user.id, login: user.login, session };
  });
  afterAll(() => t?.close());

  const auditOf = async (action: string, webappId: string) =>
    (await admin.request('GET', `/api/v1/audit-events?action=${action}&webapp=${webappId}&limit=50`)).json<Page<AuditEvent>>().items;

  describe('1. an admin’s edit makes a webapp run as the admin', () => {
    it('refuses the new owner’s start with a 409 that says why and who can fix it, and issues no token', async () => {
      const webapp = await createWebapp(admin);
      expect((await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: owner.id })).statusCode).toBe(200);
      const refused = expectProblem(await owner.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 409, 'conflict');
      expect(refused.detail).toContain('admin');
      expect(refused.detail).toMatch(/An admin can allow it by pinning/);
      expect(JSON.stringify(refused)).not.toMatch(/eyJ/);
      expect((await auditOf('webapp.run.start', webapp.id))[0]).toMatchObject({
        outcome: 'denied',
        reason: 'identity_outranks_starter',
        details: { missing: ['admin'] },
      });
      const settings = (await owner.session.request('GET', `/api/v1/webapps/${webapp.id}/settings`)).json<WebappSettingsView>();
      expect(settings.effectiveRunAs).toMatchObject({ login: 'admin', source: 'last_modifier', permissions: expect.arrayContaining(['admin']) });
    });

    it('keeps the owner’s identity through an admin’s rename, hand-back, access and security edits', async () => {
      const webapp = await createWebapp(owner.session);
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { name: 'renamed by admin', description: 'x' });
      await patchSettings(admin, webapp.id, { access: 'restricted', hideAccessTokens: true, allowImpersonation: true, identityPropagation: { jwt: true } });
      const run = await startRun(t.app, owner.session, webapp.id);
      expect(run.identity).toEqual({ userId: owner.id, login: owner.login, source: 'last_modifier' });
      expectProblem(await run.backend.request('GET', '/api/v1/users'), 403);
      expectProblem(await run.backend.request('PUT', `/api/v1/groups/${creators}/members/${owner.id}`), 403);
    });

    it('runs as the admin only when an admin pinned them, deliberately', async () => {
      const webapp = await createWebapp(admin);
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: owner.id });
      const me = (await admin.request('GET', '/api/v1/auth/me')).json<{ id: string }>();
      const pinned = await patchSettings(admin, webapp.id, { runAsUserId: me.id });
      expect(pinned).toMatchObject({
        runAsPinnedByAdmin: true,
        effectiveRunAs: { source: 'explicit', explanation: expect.stringContaining('pinned by an admin') },
      });
      const run = await startRun(t.app, owner.session, webapp.id);
      expect(run.identity.login).toBe('admin');
      // Even then the backend token is webapp code: it administers nothing.
      expectProblem(await run.backend.request('GET', '/api/v1/users'), 403);
      expectProblem(await run.backend.request('PUT', `/api/v1/groups/${creators}/members/${owner.id}`), 403);
    });

    it('refuses a run-as user a non-admin pinned to themselves once they outrank the starter', async () => {
      const webapp = await createWebapp(owner.session);
      await patchSettings(owner.session, webapp.id, { runAsUserId: owner.id, identityMode: 'run_as_user' });
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: (await createUser(admin)).id });
      // The new owner may start it; the run-as user (owner) holds mayCreateWebapps, which they lack.
      const newOwner = (await admin.request('GET', `/api/v1/webapps/${webapp.id}`)).json<Webapp>().owner;
      const session = await loginAs(t.app, newOwner.login, PASSWORD);
      const refused = expectProblem(await session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 409);
      expect(refused.detail).toContain('mayCreateWebapps');
    });
  });

  describe('2. an impersonation token turns into a lasting backend token', () => {
    it('refuses runs, refreshes and secret writes to impersonation and backend tokens', async () => {
      const { user: viewer, session } = await userSession(t.app, admin);
      const ru = await createUser(admin);
      const g1 = (await createGroup(admin)).id;
      const g2 = (await createGroup(admin)).id;
      await addMember(admin, g1, ru.id);
      await addMember(admin, g2, viewer.id);
      await admin.request('PUT', `/api/v1/groups/${g1}/impersonation-targets/${g2}`, { reason: 'support' });
      const webapp = await createWebapp(admin);
      await patchSettings(admin, webapp.id, { runAsUserId: ru.id, allowImpersonation: true });
      const run = await startRun(t.app, admin, webapp.id);
      const asViewer = withBearer(t.app, await exchange(t.app, await identityToken(run.backend, browserOf(session)), run.backendToken));

      // A starter-mode webapp the viewer manages.
      const theirs = await createWebapp(admin);
      await patchSettings(admin, theirs.id, { identityMode: 'starter' });
      await admin.request('PATCH', `/api/v1/webapps/${theirs.id}`, { ownerUserId: viewer.id });
      for (const token of [asViewer, run.backend]) {
        expectProblem(await token.request('POST', `/api/v1/webapps/${theirs.id}/runs`, {}), 403, 'forbidden');
        expectProblem(await token.request('PUT', '/api/v1/users/me/secrets/stolen', { value: 'x' }), 403, 'forbidden');
        expectProblem(await token.request('POST', '/api/v1/api-keys', { name: 'forever' }), 403, 'forbidden');
        expectProblem(await token.request('PATCH', `/api/v1/webapps/${theirs.id}/settings`, { access: 'public' }), 403, 'forbidden');
      }
      // The viewer's own run of it cannot be refreshed with the impersonation token either.
      const own = await startRun(t.app, session, theirs.id);
      expectProblem(await asViewer.request('POST', `/api/v1/webapps/${theirs.id}/runs/${own.runId}/refresh`), 403, 'forbidden');
      // Nor another run of the same webapp with that run's sibling backend token.
      const sibling = await startRun(t.app, session, theirs.id);
      expectProblem(await sibling.backend.request('POST', `/api/v1/webapps/${theirs.id}/runs/${own.runId}/refresh`), 404, 'not-found');
      expect((await sibling.backend.request('POST', `/api/v1/webapps/${theirs.id}/runs/${sibling.runId}/refresh`)).statusCode).toBe(200);
      const denied = (await admin.request('GET', `/api/v1/audit-events?action=access.denied&subject=${viewer.id}&limit=20`)).json<Page<AuditEvent>>().items;
      expect(denied.map((e) => e.reason)).toContain('credential_not_accepted:impersonation');
    });
  });

  describe('3. a webapp creator harvests viewers’ secrets', () => {
    it('lets only admins widen secretNames, and delivers only what the viewer consented to', async () => {
      const webapp = await createWebapp(owner.session);
      expectProblem(await owner.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { secretNames: null }), 403, 'forbidden');
      expectProblem(await owner.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { secretNames: ['warehouse'] }), 403, 'forbidden');
      expect((await auditOf('access.denied', webapp.id)).map((e) => e.reason)).toContain('secret_names_widen_requires_admin');

      const { user: viewer, session } = await userSession(t.app, admin);
      await session.request('PUT', '/api/v1/users/me/secrets/warehouse', { value: 'warehouse-password-1' });
      await session.request('PUT', '/api/v1/users/me/secrets/personal', { value: 'personal-password-2' });
      await patchSettings(admin, webapp.id, { secretNames: ['warehouse', 'personal'] });
      // An owner may narrow what an admin allowed.
      expect((await patchSettings(owner.session, webapp.id, { secretNames: ['warehouse'] })).secretNames).toEqual(['warehouse']);
      const run = await startRun(t.app, owner.session, webapp.id);

      // No consent yet: nothing.
      const before = await authInfoOk(run.backend, browserOf(session), true);
      expect(before).toMatchObject({ secrets: [], secretsWithoutConsent: ['warehouse'] });
      expect(JSON.stringify(before)).not.toContain('password');

      const consent = await session.request('PUT', `/api/v1/users/me/secret-consents/${webapp.id}`, { names: ['warehouse', 'personal'] });
      expect(consent.statusCode).toBe(201);
      expect((await session.request('GET', '/api/v1/users/me/secret-consents')).json<Page<SecretConsent>>().items).toEqual([
        expect.objectContaining({ webappId: webapp.id, names: ['personal', 'warehouse'] }),
      ]);
      // Consent and the approved list must both name it: personal stays home.
      expect(await authInfoOk(run.backend, browserOf(session), true)).toMatchObject({ secrets: [{ name: 'warehouse', value: 'warehouse-password-1' }] });
      const events = (await session.request('GET', '/api/v1/users/me/impersonation-events')).json<Page<AuditEvent>>().items;
      expect(events[0]).toMatchObject({ action: 'secret.deliver', webappId: webapp.id, actor: { userId: owner.id }, details: { names: ['warehouse'] } });

      expect((await session.request('DELETE', `/api/v1/users/me/secret-consents/${webapp.id}`)).statusCode).toBe(204);
      expect(await authInfoOk(run.backend, browserOf(session), true)).toMatchObject({ secrets: [] });
      const [set, revoked] = [await auditOf('secret.consent.set', webapp.id), await auditOf('secret.consent.revoke', webapp.id)];
      expect(set[0]).toMatchObject({ actor: { userId: viewer.id }, details: { names: ['personal', 'warehouse'] } });
      expect(revoked[0]).toMatchObject({ actor: { userId: viewer.id } });
      expect(JSON.stringify([...set, ...revoked, ...events])).not.toContain('password-');
    });

    it('validates consents: a webapp the caller cannot see is a 404, names must be secret names', async () => {
      const { session } = await userSession(t.app, admin);
      const hidden = await createWebapp(owner.session);
      await patchSettings(owner.session, hidden.id, { access: 'restricted' });
      expectProblem(await session.request('PUT', `/api/v1/users/me/secret-consents/${hidden.id}`, { names: [] }), 404);
      const res = await session.request('PUT', `/api/v1/users/me/secret-consents/${hidden.id}`, { names: ['bad name'] });
      expect(expectProblem(res, 400).errors).toEqual([{ path: 'body.names.0', message: expect.any(String) }]);
      expectProblem(await session.request('DELETE', `/api/v1/users/me/secret-consents/${hidden.id}`), 404);
      expectProblem(await anonymous(t.app).request('GET', '/api/v1/users/me/secret-consents'), 401);
    });
  });

  describe('4. runs outlive the authority behind them', () => {
    const runOf = async (webappId: string, runId: string) => (await admin.request('GET', `/api/v1/webapps/${webappId}/runs/${runId}`)).json<WebappRun>();

    it('stops a run when its starter is disabled, and its tokens are refused at once', async () => {
      const { user, session } = await userSession(t.app, admin);
      const webapp = await createWebapp(admin);
      await patchSettings(admin, webapp.id, { identityMode: 'starter' });
      const run = await startRun(t.app, session, webapp.id);
      expect((await run.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' });
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'active' });
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      expect(await runOf(webapp.id, run.runId)).toMatchObject({ status: 'stopped', stopReason: 'starter_disabled' });
      expect((await auditOf('webapp.run.stop', webapp.id))[0]).toMatchObject({ reason: 'starter_disabled', actor: { login: 'admin' } });
    });

    it('stops runs when the run identity’s password is reset, or the starter’s', async () => {
      const service = await createUser(admin);
      const webapp = await createWebapp(owner.session);
      await patchSettings(admin, webapp.id, { runAsUserId: service.id });
      const run = await startRun(t.app, owner.session, webapp.id);
      await admin.request('PATCH', `/api/v1/users/${service.id}`, { password: 'a-new-recovered-password' });
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      expect(await runOf(webapp.id, run.runId)).toMatchObject({ status: 'stopped', stopReason: 'password_reset' });

      const { user: starter, session } = await userSession(t.app, admin);
      const starterMode = await createWebapp(admin);
      await patchSettings(admin, starterMode.id, { identityMode: 'starter' });
      const theirs = await startRun(t.app, session, starterMode.id);
      await admin.request('PATCH', `/api/v1/users/${starter.id}`, { password: 'another-recovered-password' });
      expect(await runOf(starterMode.id, theirs.runId)).toMatchObject({ status: 'stopped', stopReason: 'password_reset' });
    });

    it('stops a run when its starter loses the right to start it, or the user is deleted', async () => {
      const { user, session } = await userSession(t.app, admin);
      const viewers = (await createGroup(admin)).id;
      await addMember(admin, viewers, user.id);
      const webapp = await createWebapp(admin);
      await patchSettings(admin, webapp.id, { identityMode: 'starter', access: 'restricted', viewers: { users: [], groups: [viewers] } });
      const run = await startRun(t.app, session, webapp.id);
      await admin.request('DELETE', `/api/v1/groups/${viewers}/members/${user.id}`);
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      expect(await runOf(webapp.id, run.runId)).toMatchObject({ stopReason: 'starter_cannot_view' });

      // An owner handed the webapp away may no longer start a run_as_user webapp.
      const mine = await createWebapp(owner.session);
      const ownRun = await startRun(t.app, owner.session, mine.id);
      await admin.request('PATCH', `/api/v1/webapps/${mine.id}`, { ownerUserId: user.id });
      expect(await runOf(mine.id, ownRun.runId)).toMatchObject({ status: 'stopped', stopReason: 'starter_not_a_manager' });

      const gone = await userSession(t.app, admin);
      const open = await createWebapp(admin);
      await patchSettings(admin, open.id, { identityMode: 'starter' });
      const goneRun = await startRun(t.app, gone.session, open.id);
      await admin.request('DELETE', `/api/v1/users/${gone.user.id}`);
      expect(await runOf(open.id, goneRun.runId)).toMatchObject({ status: 'stopped', stopReason: 'starter_deleted' });
    });

    it('stops a run when its identity gains a permission its starter lacks', async () => {
      // X changed what the webapp runs, then it was handed to the owner, who starts it as X.
      const { user: x, session: xSession } = await userSession(t.app, admin);
      const webapp = await createWebapp(admin, { source: { type: 'image', image: 'registry.example.com/a:1' } });
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: x.id });
      await xSession.request('PATCH', `/api/v1/webapps/${webapp.id}`, { source: { type: 'image', image: 'registry.example.com/a:2' } });
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: owner.id });
      const run = await startRun(t.app, owner.session, webapp.id);
      expect(run.identity).toMatchObject({ userId: x.id, source: 'last_modifier' });
      // X now manages datasets, which the owner may not: the run would lend it to them.
      const managers = (await createGroup(admin, { permissions: { mayManageDatasets: true } })).id;
      await addMember(admin, managers, x.id);
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      expect(await runOf(webapp.id, run.runId)).toMatchObject({ status: 'stopped', stopReason: 'starter_identity_outranks_starter' });
      expectProblem(await owner.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 409);
    });

    it('ends every run at the maximum lifetime: tokens refused at once, refresh refused, the run marked stopped', async () => {
      expect((await admin.request('PATCH', '/api/v1/settings/security', { maxRunLifetimeSeconds: 600 })).statusCode).toBe(200);
      try {
        const webapp = await createWebapp(owner.session);
        const run = await startRun(t.app, owner.session, webapp.id);
        expect((await runOf(webapp.id, run.runId)).endsAt).toBe(new Date(Date.parse((await runOf(webapp.id, run.runId)).startedAt) + 600_000).toISOString());
        // Its token never outlives the run.
        expect(Date.parse(run.expiresAt)).toBeLessThanOrEqual(clock.now().getTime() + 600_000);
        clock.advance(601_000);
        expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
        expectProblem(await owner.session.request('POST', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/refresh`), 409);
        const authority = t.app.get(RunAuthority);
        expect(await authority.stopExpired()).toBeGreaterThanOrEqual(1);
        expect(await runOf(webapp.id, run.runId)).toMatchObject({ status: 'stopped', stopReason: 'max_lifetime' });
      } finally {
        await admin.request('PATCH', '/api/v1/settings/security', { maxRunLifetimeSeconds: 604_800 });
      }
      expect(expectProblem(await admin.request('PATCH', '/api/v1/settings/security', { maxRunLifetimeSeconds: 10 }), 400).errors).toEqual([
        { path: 'body.maxRunLifetimeSeconds', message: expect.any(String) },
      ]);
    });
  });

  describe('11. a compromised signing key stays valid', () => {
    it('drops the previous key from the JWKS at once with revokePrevious, and refuses its tokens', async () => {
      const webapp = await createWebapp(owner.session);
      const run = await startRun(t.app, owner.session, webapp.id);
      const oldKid = decodeProtectedHeader(run.backendToken).kid;
      expect((await run.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      expect(fieldErrorsOf(await admin.request('POST', '/api/v1/admin/keys/rotate', { revokePrevious: true }))).toEqual(['body.revokePrevious']);
      const res = await admin.request('POST', '/api/v1/admin/keys/rotate', { immediate: true, revokePrevious: true });
      expect(res.json<KeyRotation>()).toMatchObject({ revokedKid: oldKid, previousKeyUnpublishedAt: clock.now().toISOString() });
      const jwks = (await anonymous(t.app).request('GET', '/.well-known/jwks.json')).json<Jwks>();
      expect(jwks.keys.map((k) => k.kid)).not.toContain(oldKid);
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      // New tokens are signed by the new key and work.
      const next = await startRun(t.app, owner.session, webapp.id);
      expect(decodeProtectedHeader(next.backendToken).kid).toBe(res.json<KeyRotation>().kid);
      expect((await next.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    });
  });
});

function fieldErrorsOf(res: { json<T>(): T; statusCode: number }): string[] {
  return (res.json<{ errors?: { path: string }[] }>().errors ?? []).map((e) => e.path);
}
