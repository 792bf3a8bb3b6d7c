import type { AuditEvent, Me, Page, StartedRun, Webapp, WebappRun, WebappSettingsView } from '@behalf/contracts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { anonymous, Client, expectProblem, fieldErrors, loginAsAdmin, SessionClient, withBearer } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, createUser, userSession } from '../../test/fixtures/identity';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

describe('webapps', () => {
  let t: TestApp;
  let admin: SessionClient;
  /** A member of a group with mayCreateWebapps. */
  let creator: { id: string; login: string; session: SessionClient };
  let viewer: { id: string; login: string; session: SessionClient };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    const creators = await createGroup(admin, { permissions: { mayCreateWebapps: true } });
    const c = await userSession(t.app, admin);
    await addMember(admin, creators.id, c.user.id);
    creator = { id: c.user.id, login: c.user.login, session: c.session };
    const v = await userSession(t.app, admin);
    viewer = { id: v.user.id, login: v.user.login, session: v.session };
  });
  afterAll(() => t.close());

  const settingsOf = async (client: Client, id: string) => (await client.request('GET', `/api/v1/webapps/${id}/settings`)).json<WebappSettingsView>();
  const auditOf = async (action: string, webappId: string) =>
    (await admin.request('GET', `/api/v1/audit-events?action=${action}&webapp=${webappId}`)).json<Page<AuditEvent>>().items;

  describe('creating', () => {
    it('makes the creator owner and last modifier, with deny-by-default settings', async () => {
      const res = await creator.session.request('POST', '/api/v1/webapps', { name: 'Sales dashboard', kind: 'streamlit' });
      expect(res.statusCode).toBe(201);
      const webapp = res.json<Webapp>();
      expect(webapp).toMatchObject({
        name: 'Sales dashboard',
        kind: 'streamlit',
        description: '',
        owner: { id: creator.id, login: creator.login },
        lastModifiedBy: { id: creator.id, login: creator.login },
      });
      expect(await settingsOf(creator.session, webapp.id)).toEqual({
        identityMode: 'run_as_user',
        runAsUserId: null,
        runAsPinnedByAdmin: false,
        access: 'authenticated',
        viewers: { users: [], groups: [] },
        hideAccessTokens: false,
        mountDatasets: true,
        identityPropagation: { header: true, jwt: false },
        allowImpersonation: false,
        secretNames: [],
        effectiveRunAs: {
          userId: creator.id,
          login: creator.login,
          source: 'last_modifier',
          status: 'active',
          permissions: ['mayCreateWebapps'],
          explanation: expect.stringContaining('who last changed what it runs'),
        },
        effectiveHideAccessTokens: false,
      });
      expect(await auditOf('webapp.create', webapp.id)).toHaveLength(1);
    });

    it('needs mayCreateWebapps (or admin), and authentication', async () => {
      expectProblem(await viewer.session.request('POST', '/api/v1/webapps', { name: 'x', kind: 'dash' }), 403, 'forbidden');
      expectProblem(await anonymous(t.app).request('POST', '/api/v1/webapps', { name: 'x', kind: 'dash' }), 401, 'unauthenticated');
      expect((await admin.request('POST', '/api/v1/webapps', { name: 'x', kind: 'dash' })).statusCode).toBe(201);
    });

    it('says which fields are wrong', async () => {
      expect(fieldErrors(await creator.session.request('POST', '/api/v1/webapps', { name: ' ', kind: 'php', colour: 'red' }))).toEqual([
        'body',
        'body.kind',
        'body.name',
      ]);
      expect(fieldErrors(await creator.session.request('POST', '/api/v1/webapps', { kind: 'dash', description: 'x'.repeat(2001) }))).toEqual([
        'body.description',
        'body.name',
      ]);
    });
  });

  describe('seeing', () => {
    it('shows restricted webapps only to their viewers, owner and admins', async () => {
      const restricted = await createWebapp(creator.session);
      const open = await createWebapp(creator.session);
      await patchSettings(creator.session, restricted.id, { access: 'restricted' });
      const other = await userSession(t.app, admin);

      expectProblem(await other.session.request('GET', `/api/v1/webapps/${restricted.id}`), 404, 'not-found');
      expect((await other.session.request('GET', `/api/v1/webapps/${open.id}`)).statusCode).toBe(200);
      const listed = async (c: Client) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = (await c.request('GET', `/api/v1/webapps?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json<Page<Webapp>>();
          ids.push(...page.items.map((w) => w.id));
          cursor = page.nextCursor;
        } while (cursor);
        return ids;
      };
      expect(await listed(other.session)).toContain(open.id);
      expect(await listed(other.session)).not.toContain(restricted.id);
      expect(await listed(admin)).toEqual(expect.arrayContaining([open.id, restricted.id]));
      expect(await listed(creator.session)).toEqual(expect.arrayContaining([open.id, restricted.id]));

      // Listed directly, then through a group.
      await patchSettings(creator.session, restricted.id, { viewers: { users: [other.user.id] } });
      expect((await other.session.request('GET', `/api/v1/webapps/${restricted.id}`)).statusCode).toBe(200);
      expect(await listed(other.session)).toContain(restricted.id);
      const viewers = await createGroup(admin);
      await addMember(admin, viewers.id, viewer.id);
      expectProblem(await viewer.session.request('GET', `/api/v1/webapps/${restricted.id}`), 404);
      await patchSettings(creator.session, restricted.id, { viewers: { groups: [viewers.id] } });
      expect((await viewer.session.request('GET', `/api/v1/webapps/${restricted.id}`)).statusCode).toBe(200);
      expect(await listed(viewer.session)).toContain(restricted.id);
      expectProblem(await other.session.request('GET', `/api/v1/webapps/${restricted.id}`), 404);
    });

    it('keeps settings to the owner and admins', async () => {
      const webapp = await createWebapp(creator.session);
      expectProblem(await viewer.session.request('GET', `/api/v1/webapps/${webapp.id}/settings`), 403, 'forbidden');
      expect((await admin.request('GET', `/api/v1/webapps/${webapp.id}/settings`)).statusCode).toBe(200);
    });

    it('refuses a bad id or cursor with a 400', async () => {
      expect(fieldErrors(await admin.request('GET', '/api/v1/webapps/nope'))).toEqual(['params.id']);
      expect(fieldErrors(await admin.request('GET', '/api/v1/webapps?cursor=zzz'))).toEqual(['query.cursor']);
    });
  });

  describe('editing', () => {
    it('lets the owner and admins edit with a diff; only a change of what it runs names the last modifier', async () => {
      const webapp = await createWebapp(creator.session, { description: 'v1' });
      const res = await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { description: 'v2', kind: 'flask' });
      expect(res.json<Webapp>()).toMatchObject({ description: 'v2', kind: 'flask', lastModifiedBy: { id: creator.id } });
      const [event] = await auditOf('webapp.update', webapp.id);
      expect(event.details.changes).toEqual({ description: { from: 'v1', to: 'v2' }, kind: { from: 'dash', to: 'flask' } });

      expectProblem(await viewer.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { description: 'v3' }), 403, 'forbidden');
      // A rename or a new description by an admin leaves who it runs as alone.
      const byAdmin = await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { name: 'renamed', description: 'v3' });
      expect(byAdmin.json<Webapp>().lastModifiedBy.login).toBe(creator.login);
      // A new source is a deliberate act: its author becomes the last modifier.
      const source = { type: 'git', repository: 'https://git.example.com/team/app.git', ref: 'v2.1' };
      const bySource = await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { source });
      expect(bySource.json<Webapp>()).toMatchObject({ source, lastModifiedBy: { login: 'admin' } });
      expect((await auditOf('webapp.update', webapp.id))[0].details.changes).toMatchObject({
        source: { from: null, to: source },
        lastModifiedBy: { to: { login: 'admin' } },
      });
    });

    it('validates a source', async () => {
      const webapp = await createWebapp(creator.session);
      for (const source of [{ type: 'ftp' }, { type: 'image', image: 'a b' }, { type: 'git', repository: 'file:///etc', ref: 'main' }, { type: 'bundle' }]) {
        expect(fieldErrors(await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { source }))[0]).toMatch(/^body\.source/);
      }
    });

    it('lets only admins hand a webapp to another owner', async () => {
      const webapp = await createWebapp(creator.session);
      expectProblem(await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: viewer.id }), 403);
      expect(fieldErrors(await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: '00000000-0000-4000-8000-000000000000' }))).toEqual([
        'body.ownerUserId',
      ]);
      const res = await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: viewer.id });
      expect(res.json<Webapp>().owner).toEqual({ id: viewer.id, login: viewer.login });
      expect((await viewer.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { description: 'mine now' })).statusCode).toBe(200);
      expectProblem(await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { description: 'not mine' }), 403);
    });

    it('validates every settings field, saying which', async () => {
      const webapp = await createWebapp(creator.session);
      const errors = fieldErrors(
        await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, {
          identityMode: 'sometimes',
          runAsUserId: 'bob',
          access: 'everyone',
          viewers: { users: ['x'], groups: 'all' },
          hideAccessTokens: 'yes',
          mountDatasets: 1,
          identityPropagation: { header: true, cookie: true },
          allowImpersonation: null,
          secretNames: ['ok', 'not ok!'],
          extra: true,
        }),
      );
      expect(errors).toEqual([
        'body',
        'body.access',
        'body.allowImpersonation',
        'body.hideAccessTokens',
        'body.identityMode',
        'body.identityPropagation',
        'body.mountDatasets',
        'body.runAsUserId',
        'body.secretNames.1',
        'body.viewers.groups',
        'body.viewers.users.0',
      ]);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(
        fieldErrors(
          await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { viewers: { users: [viewer.id, unknown], groups: [unknown] } }),
        ),
      ).toEqual(['body.viewers.groups.0', 'body.viewers.users.1']);
      expect(fieldErrors(await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { secretNames: ['a', 'a'] }))).toEqual([
        'body.secretNames',
      ]);
    });

    it('audits every settings change with its diff, and never makes the editor the last modifier', async () => {
      const webapp = await createWebapp(creator.session);
      await patchSettings(admin, webapp.id, { allowImpersonation: true, secretNames: null, identityPropagation: { jwt: true } });
      const [event] = await auditOf('webapp.settings.update', webapp.id);
      expect(event.actor.login).toBe('admin');
      expect(event.details).toEqual({
        changes: {
          allowImpersonation: { from: false, to: true },
          secretNames: { from: [], to: null },
          identityPropagation: { from: { header: true, jwt: false }, to: { header: true, jwt: true } },
        },
      });
      expect((await settingsOf(admin, webapp.id)).effectiveRunAs).toMatchObject({ userId: creator.id, source: 'last_modifier' });
      expect((await settingsOf(admin, webapp.id)).secretNames).toBeNull();
    });

    it('says hideAccessTokens is in effect when either the webapp or the global setting says so', async () => {
      const webapp = await createWebapp(creator.session);
      expect((await settingsOf(creator.session, webapp.id)).effectiveHideAccessTokens).toBe(false);
      await admin.request('PATCH', '/api/v1/settings/security', { hideAccessTokens: true });
      try {
        expect(await settingsOf(creator.session, webapp.id)).toMatchObject({ hideAccessTokens: false, effectiveHideAccessTokens: true });
      } finally {
        await admin.request('PATCH', '/api/v1/settings/security', { hideAccessTokens: false });
      }
      expect((await patchSettings(creator.session, webapp.id, { hideAccessTokens: true })).effectiveHideAccessTokens).toBe(true);
    });
  });

  describe('whom a webapp runs as', () => {
    it('is the last modifier by default: user B edits, the webapp runs as B', async () => {
      const webapp = await createWebapp(creator.session);
      expect((await settingsOf(creator.session, webapp.id)).effectiveRunAs).toMatchObject({ userId: creator.id, source: 'last_modifier' });
      await admin.request('PATCH', `/api/v1/webapps/${webapp.id}`, { ownerUserId: viewer.id });
      // The hand-over alone changes nothing of who it runs as.
      expect((await settingsOf(admin, webapp.id)).effectiveRunAs).toMatchObject({ userId: creator.id, source: 'last_modifier' });
      await viewer.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { source: { type: 'image', image: 'registry.example.com/b:1' } });
      expect((await settingsOf(admin, webapp.id)).effectiveRunAs).toMatchObject({ userId: viewer.id, login: viewer.login, source: 'last_modifier' });
      const run = await startRun(t.app, viewer.session, webapp.id);
      expect(run.identity).toEqual({ userId: viewer.id, login: viewer.login, source: 'last_modifier' });
      expect(decodeJwt(run.backendToken).sub).toBe(viewer.id);
    });

    it('is an admin’s explicit choice, which sticks through later edits', async () => {
      const webapp = await createWebapp(creator.session);
      const service = await createUser(admin);
      const chosen = await patchSettings(admin, webapp.id, { runAsUserId: service.id });
      expect(chosen.effectiveRunAs).toMatchObject({ userId: service.id, login: service.login, source: 'explicit', status: 'active' });
      expect(chosen.runAsPinnedByAdmin).toBe(true);
      await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}`, { description: 'later edit' });
      await patchSettings(creator.session, webapp.id, { mountDatasets: false });
      // Sending the current choice back unchanged (as a form would) is not a change.
      await patchSettings(creator.session, webapp.id, { runAsUserId: service.id });
      expect((await settingsOf(creator.session, webapp.id)).effectiveRunAs).toMatchObject({ userId: service.id, source: 'explicit' });
      expect((await startRun(t.app, creator.session, webapp.id)).identity).toEqual({ userId: service.id, login: service.login, source: 'explicit' });
    });

    it('cannot be set to another user by a non-admin, only to themselves or back to the default', async () => {
      const webapp = await createWebapp(creator.session);
      const res = await creator.session.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { runAsUserId: viewer.id });
      expectProblem(res, 403, 'forbidden');
      expect((await auditOf('access.denied', webapp.id)).map((e) => e.reason)).toContain('run_as_requires_admin');
      expect((await settingsOf(creator.session, webapp.id)).runAsUserId).toBeNull();
      expect((await patchSettings(creator.session, webapp.id, { runAsUserId: creator.id })).effectiveRunAs.source).toBe('explicit');
      expect((await patchSettings(creator.session, webapp.id, { runAsUserId: null })).effectiveRunAs.source).toBe('last_modifier');
      expect(
        fieldErrors(await admin.request('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { runAsUserId: '00000000-0000-4000-8000-000000000000' })),
      ).toEqual(['body.runAsUserId']);
    });

    it('is whoever starts it in starter mode', async () => {
      const webapp = await createWebapp(creator.session);
      await patchSettings(creator.session, webapp.id, { identityMode: 'starter' });
      expect((await settingsOf(creator.session, webapp.id)).effectiveRunAs).toMatchObject({ userId: creator.id, source: 'starter' });
      const run = await startRun(t.app, viewer.session, webapp.id);
      expect(run.identity).toEqual({ userId: viewer.id, login: viewer.login, source: 'starter' });
      const me = (await run.backend.request('GET', '/api/v1/auth/me')).json<Me>();
      expect(me.login).toBe(viewer.login);
    });

    it('lets only the owner and admins start a run_as_user webapp', async () => {
      const webapp = await createWebapp(creator.session);
      expectProblem(await viewer.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 403, 'forbidden');
      await patchSettings(creator.session, webapp.id, { access: 'restricted', identityMode: 'starter' });
      expectProblem(await viewer.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 404, 'not-found');
    });

    it('refuses to start as a disabled or deleted run-as user, saying so', async () => {
      const webapp = await createWebapp(creator.session);
      const service = await createUser(admin);
      await patchSettings(admin, webapp.id, { runAsUserId: service.id });
      await admin.request('PATCH', `/api/v1/users/${service.id}`, { status: 'disabled' });
      const disabled = expectProblem(await creator.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 409, 'conflict');
      expect(disabled.detail).toContain(`run-as user ${service.login}`);
      expect(disabled.detail).toContain('is disabled');
      expect((await settingsOf(admin, webapp.id)).effectiveRunAs.status).toBe('disabled');

      await admin.request('DELETE', `/api/v1/users/${service.id}`);
      const deleted = expectProblem(await creator.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, {}), 409, 'conflict');
      expect(deleted.detail).toContain('has been deleted');
      expect((await settingsOf(admin, webapp.id)).effectiveRunAs).toMatchObject({ userId: service.id, login: service.login, status: 'deleted' });
    });
  });

  describe('runs', () => {
    it('answers a launch spec whose backend token acts as the run identity, with the webapp attached', async () => {
      const webapp = await createWebapp(creator.session);
      const res = await creator.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, { upstreamUrl: 'http://127.0.0.1:8050' });
      expect(res.statusCode).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const run = res.json<StartedRun>();
      expect(run).toEqual({
        runId: expect.any(String),
        identity: { userId: creator.id, login: creator.login, source: 'last_modifier' },
        source: null,
        backendToken: expect.any(String),
        expiresAt: expect.any(String),
        env: { BEHALF_URL: t.config.http.publicUrl, BEHALF_WEBAPP_ID: webapp.id, BEHALF_RUN_ID: run.runId, BEHALF_BACKEND_TOKEN: run.backendToken },
        mounts: [],
      });
      expect(decodeProtectedHeader(run.backendToken)).toMatchObject({ typ: 'behalf-backend+jwt', alg: 'EdDSA', kid: expect.any(String) });
      const claims = decodeJwt(run.backendToken);
      expect(claims).toMatchObject({ iss: t.config.http.publicUrl, sub: creator.id, aud: 'behalf-api', webapp_id: webapp.id, run_id: run.runId });
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect(new Date(run.expiresAt).getTime()).toBe(claims.exp! * 1000);

      const backend = withBearer(t.app, run.backendToken);
      expect((await backend.request('GET', '/api/v1/auth/me')).json<Me>().login).toBe(creator.login);
      // A backend token is webapp code: data plane only, whatever its identity may do as a person
      // (this user may create webapps, not list users).
      expectProblem(await backend.request('GET', '/api/v1/users'), 403);
      expectProblem(await backend.request('POST', '/api/v1/webapps', { name: 'made by a backend', kind: 'dash' }), 403);
      // Audit records made by a backend carry its webapp.
      const denied = (await admin.request('GET', `/api/v1/audit-events?action=access.denied&webapp=${webapp.id}`)).json<Page<AuditEvent>>().items;
      expect(denied.map((e) => [e.details.route, e.reason])).toEqual(
        expect.arrayContaining([
          ['/api/v1/users', 'credential_not_accepted:backend_token'],
          ['/api/v1/webapps', 'credential_not_accepted:backend_token'],
        ]),
      );

      const [started] = await auditOf('webapp.run.start', webapp.id);
      expect(started.details).toMatchObject({ identity: run.identity, upstreamUrl: 'http://127.0.0.1:8050', tokenId: claims.jti });
      expect(JSON.stringify(started)).not.toContain(run.backendToken.split('.')[2]);
    });

    it('issues backend tokens for the configured lifetime', async () => {
      await admin.request('PATCH', '/api/v1/settings/security', { backendTokenLifetimeSeconds: 120 });
      try {
        const webapp = await createWebapp(creator.session);
        const claims = decodeJwt((await startRun(t.app, creator.session, webapp.id)).backendToken);
        expect(claims.exp! - claims.iat!).toBe(120);
      } finally {
        await admin.request('PATCH', '/api/v1/settings/security', { backendTokenLifetimeSeconds: 3600 });
      }
      expect(
        fieldErrors(
          await admin.request('PATCH', '/api/v1/settings/security', {
            backendTokenLifetimeSeconds: 3601,
            identityTokenLifetimeSeconds: 301,
            impersonationTokenLifetimeSeconds: 9,
          }),
        ),
      ).toEqual(['body.backendTokenLifetimeSeconds', 'body.identityTokenLifetimeSeconds', 'body.impersonationTokenLifetimeSeconds']);
    });

    it('refreshes a live run’s token for its backend, and stops it for good', async () => {
      const webapp = await createWebapp(creator.session);
      const run = await startRun(t.app, creator.session, webapp.id);
      const refreshed = await run.backend.request('POST', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/refresh`);
      expect(refreshed.statusCode).toBe(200);
      const fresh = refreshed.json<{ backendToken: string }>().backendToken;
      expect(decodeJwt(fresh)).toMatchObject({ run_id: run.runId, sub: creator.id });
      expect(decodeJwt(fresh).jti).not.toBe(decodeJwt(run.backendToken).jti);
      // Someone who only views the webapp can neither refresh nor stop it.
      expectProblem(await viewer.session.request('POST', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/refresh`), 404);
      expectProblem(await viewer.session.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`), 404);

      expect((await creator.session.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).statusCode).toBe(204);
      for (const token of [run.backendToken, fresh]) {
        const refused = expectProblem(await withBearer(t.app, token).request('GET', '/api/v1/auth/me'), 401, 'unauthenticated');
        expect(refused.detail).toBe('The webapp run this backend token belongs to has stopped.');
      }
      expectProblem(await creator.session.request('POST', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/refresh`), 409, 'conflict');
      expect((await creator.session.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).statusCode).toBe(204);
      expect(await auditOf('webapp.run.stop', webapp.id)).toHaveLength(1);
      expect((await creator.session.request('GET', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).json<WebappRun>()).toMatchObject({
        status: 'stopped',
        stoppedAt: expect.any(String),
      });
    });

    it('lets a backend stop its own run, but not another run', async () => {
      const webapp = await createWebapp(creator.session);
      await patchSettings(creator.session, webapp.id, { identityMode: 'starter' });
      const mine = await startRun(t.app, viewer.session, webapp.id);
      const theirs = await startRun(t.app, creator.session, webapp.id);
      expectProblem(await mine.backend.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${theirs.runId}`), 404);
      expect((await mine.backend.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${mine.runId}`)).statusCode).toBe(204);
      expect((await theirs.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    });

    it('ends a backend token when its identity is disabled, or its webapp deleted', async () => {
      const webapp = await createWebapp(creator.session);
      const service = await createUser(admin);
      await patchSettings(admin, webapp.id, { runAsUserId: service.id });
      const run = await startRun(t.app, creator.session, webapp.id);
      expect((await run.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
      await admin.request('PATCH', `/api/v1/users/${service.id}`, { status: 'disabled' });
      // A run lives no longer than its identity's standing: it stopped, for good.
      expect(expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401).detail).toBe('The webapp run this backend token belongs to has stopped.');
      await admin.request('PATCH', `/api/v1/users/${service.id}`, { status: 'active' });
      expectProblem(await run.backend.request('GET', '/api/v1/auth/me'), 401);
      expect((await admin.request('GET', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`)).json()).toMatchObject({
        status: 'stopped',
        stopReason: 'identity_disabled',
      });

      const next = await startRun(t.app, creator.session, webapp.id);
      expect((await creator.session.request('DELETE', `/api/v1/webapps/${webapp.id}`)).statusCode).toBe(204);
      expectProblem(await next.backend.request('GET', '/api/v1/auth/me'), 401);
      expectProblem(await creator.session.request('GET', `/api/v1/webapps/${webapp.id}`), 404);
      expect(await auditOf('webapp.delete', webapp.id)).toHaveLength(1);
    });

    it('lists all runs to the owner, and to others only their own', async () => {
      const webapp = await createWebapp(creator.session);
      await patchSettings(creator.session, webapp.id, { identityMode: 'starter' });
      const a = await startRun(t.app, creator.session, webapp.id);
      const b = await startRun(t.app, viewer.session, webapp.id);
      const c = await startRun(t.app, viewer.session, webapp.id);
      const page1 = (await creator.session.request('GET', `/api/v1/webapps/${webapp.id}/runs?limit=2`)).json<Page<WebappRun>>();
      const page2 = (await creator.session.request('GET', `/api/v1/webapps/${webapp.id}/runs?limit=2&cursor=${page1.nextCursor}`)).json<Page<WebappRun>>();
      expect([...page1.items, ...page2.items].map((r) => r.id).sort()).toEqual([a.runId, b.runId, c.runId].sort());
      expect(page2.nextCursor).toBeUndefined();
      const own = (await viewer.session.request('GET', `/api/v1/webapps/${webapp.id}/runs`)).json<Page<WebappRun>>();
      expect(own.items.map((r) => r.id).sort()).toEqual([b.runId, c.runId].sort());
      expectProblem(await viewer.session.request('GET', `/api/v1/webapps/${webapp.id}/runs/${a.runId}`), 404);
    });

    it('validates the run request', async () => {
      const webapp = await createWebapp(creator.session);
      expect(fieldErrors(await creator.session.request('POST', `/api/v1/webapps/${webapp.id}/runs`, { upstreamUrl: 'ftp://x' }))).toEqual(['body.upstreamUrl']);
      expect(fieldErrors(await creator.session.request('GET', `/api/v1/webapps/${webapp.id}/runs/nope`))).toEqual(['params.runId']);
      const { client } = await apiKeyClient(t.app, creator.session);
      expect((await client.request('POST', `/api/v1/webapps/${webapp.id}/runs`)).statusCode).toBe(201);
    });
  });
});
