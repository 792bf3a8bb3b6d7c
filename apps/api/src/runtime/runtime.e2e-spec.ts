import type { AuditEvent, Jwks, Page, User } from '@behalf/contracts';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Client, expectProblem, loginAsAdmin, SESSION, SessionClient } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, userSession } from '../../test/fixtures/identity';
import { authInfo, authInfoOk, browserOf, identityToken } from '../../test/fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

/** `POST /api/v1/runtime/auth-info` and `/identity-token`: who views, told to the webapp's backend. */
describe('the runtime API', () => {
  let t: TestApp;
  let admin: SessionClient;
  let viewer: { user: User; session: SessionClient };
  let group: { id: string; name: string };
  let webappId: string;
  let backend: Client;

  const lastAudit = async (action: string) => (await admin.request('GET', `/api/v1/audit-events?action=${action}&limit=1`)).json<Page<AuditEvent>>().items[0];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    viewer = await userSession(t.app, admin, { displayName: 'Vera Viewer', email: 'vera@example.com' });
    group = await createGroup(admin);
    await addMember(admin, group.id, viewer.user.id);
    webappId = (await createWebapp(admin)).id;
    backend = (await startRun(t.app, admin, webappId)).backend;
    for (const [name, value] of [
      ['db', 'db-secret-value-1'],
      ['api', 'api-secret-value-2'],
    ]) {
      expect((await viewer.session.request('PUT', `/api/v1/users/me/secrets/${name}`, { value })).statusCode).toBe(201);
    }
  });

  afterAll(() => t?.close());

  it('serves webapp backends only', async () => {
    const key = await apiKeyClient(t.app, admin);
    for (const caller of [admin, key.client, viewer.session]) {
      expectProblem(await authInfo(caller, browserOf(viewer.session)), 403, 'forbidden');
      expectProblem(await caller.request('POST', '/api/v1/runtime/identity-token', { headers: browserOf(viewer.session) }), 403, 'forbidden');
    }
    // The route takes backend tokens alone: the guard refuses the rest before the service runs.
    expect(await lastAudit('access.denied')).toMatchObject({
      outcome: 'denied',
      reason: 'credential_not_accepted:session',
      details: { route: '/api/v1/runtime/identity-token' },
    });
  });

  it('validates the body', async () => {
    const paths = async (body: unknown) =>
      (expectProblem(await backend.request('POST', '/api/v1/runtime/auth-info', body), 400, 'validation-failed').errors as { path: string }[]).map(
        (e) => e.path,
      );
    expect(await paths({})).toEqual(['body.headers']);
    expect(await paths({ headers: { cookie: 1 } })).toEqual(['body.headers.cookie']);
    expect(await paths({ headers: {}, withSecrets: 'yes' })).toEqual(['body.withSecrets']);
    expect(await paths({ headers: {}, extra: true })).toEqual(['body']);
  });

  it('finds the viewer from the session cookie, and audits the answer', async () => {
    const info = await authInfoOk(backend, { Cookie: [`${SESSION}=${viewer.session.sessionCookie}`] });
    expect(info).toEqual({
      authIdentifier: viewer.user.login,
      userId: viewer.user.id,
      displayName: 'Vera Viewer',
      email: 'vera@example.com',
      groups: [group.name],
      anonymous: false,
    });
    expect(await lastAudit('runtime.auth_info')).toMatchObject({
      outcome: 'succeeded',
      target: { type: 'user', id: viewer.user.id },
      webappId,
      details: { viewer: viewer.user.login, via: 'session', withSecrets: false, secretsDelivered: [] },
    });
  });

  it('issues identity tokens any JOSE library verifies, and takes them back as the viewer', async () => {
    const token = await identityToken(backend, browserOf(viewer.session));
    const jwks = createLocalJWKSet((await admin.request('GET', '/.well-known/jwks.json')).json<Jwks>() as never);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: t.config.http.publicUrl,
      audience: `webapp:${webappId}`,
      typ: 'behalf-id+jwt',
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload).toMatchObject({
      sub: viewer.user.id,
      preferred_username: viewer.user.login,
      name: 'Vera Viewer',
      email: 'vera@example.com',
      groups: [group.name],
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(await lastAudit('runtime.identity_token')).toMatchObject({
      outcome: 'succeeded',
      target: { id: viewer.user.id },
      details: { tokenId: payload.jti },
    });
    // The identity token, as a proxy would inject it, identifies the viewer in auth info.
    expect(await authInfoOk(backend, { authorization: `Bearer ${token}` })).toMatchObject({ userId: viewer.user.id, anonymous: false });
    // It is no API credential.
    expectProblem((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } })) as never, 401);
  });

  it('refuses credentials that do not hold (401), and viewers the access setting excludes (403)', async () => {
    const other = await createWebapp(admin);
    const otherBackend = (await startRun(t.app, admin, other.id)).backend;
    const foreign = await identityToken(otherBackend, browserOf(viewer.session));
    expectProblem(await authInfo(backend, { authorization: `Bearer ${foreign}` }), 401, 'viewer-unauthenticated');
    expect(await lastAudit('runtime.auth_info')).toMatchObject({ outcome: 'denied', reason: 'viewer_token_invalid' });
    expectProblem(await authInfo(backend, { cookie: `${SESSION}=forged` }), 401, 'viewer-unauthenticated');
    expectProblem(await authInfo(backend, {}), 401, 'viewer-unauthenticated');
    expect(await lastAudit('runtime.auth_info')).toMatchObject({ reason: 'viewer_no_credentials' });

    const restricted = await createWebapp(admin);
    await patchSettings(admin, restricted.id, { access: 'restricted' });
    const restrictedBackend = (await startRun(t.app, admin, restricted.id)).backend;
    const refused = expectProblem(await authInfo(restrictedBackend, browserOf(viewer.session)), 403, 'viewer-forbidden');
    expect(refused.detail).toContain(viewer.user.login);
    expectProblem(await restrictedBackend.request('POST', '/api/v1/runtime/identity-token', { headers: browserOf(viewer.session) }), 403, 'viewer-forbidden');
    await patchSettings(admin, restricted.id, { viewers: { users: [], groups: [group.id] } });
    expect(await authInfoOk(restrictedBackend, browserOf(viewer.session))).toMatchObject({ userId: viewer.user.id });
  });

  it('answers Anonymous on a public webapp, with an anonymous identity token', async () => {
    const open = await createWebapp(admin);
    await patchSettings(admin, open.id, { access: 'public' });
    const openBackend = (await startRun(t.app, admin, open.id)).backend;
    expect(await authInfoOk(openBackend, { accept: 'text/html' }, true)).toEqual({ authIdentifier: 'Anonymous', anonymous: true });
    const token = await identityToken(openBackend, {});
    expect(await authInfoOk(openBackend, { authorization: `Bearer ${token}` })).toEqual({ authIdentifier: 'Anonymous', anonymous: true });
    // A logged-in viewer of a public webapp is still themselves; a bad cookie is not anonymous.
    expect(await authInfoOk(openBackend, browserOf(viewer.session))).toMatchObject({ userId: viewer.user.id });
    expectProblem(await authInfo(openBackend, { cookie: `${SESSION}=forged` }), 401, 'viewer-unauthenticated');
  });

  it('delivers the secrets the webapp may receive and the viewer consented to, unless access tokens are hidden', async () => {
    const names = async () => ((await authInfoOk(backend, browserOf(viewer.session), true)) as { secrets?: { name: string }[] }).secrets?.map((s) => s.name);
    // Default: no names allowed.
    expect(await names()).toEqual([]);
    await patchSettings(admin, webappId, { secretNames: null });
    // An admin allowed all names, but the viewer has consented to none.
    expect(await names()).toEqual([]);
    expect((await viewer.session.request('PUT', `/api/v1/users/me/secret-consents/${webappId}`, { names: ['api', 'db'] })).statusCode).toBe(201);
    expect((await authInfoOk(backend, browserOf(viewer.session), true)) as unknown).toMatchObject({
      secrets: [
        { name: 'api', value: 'api-secret-value-2' },
        { name: 'db', value: 'db-secret-value-1' },
      ],
    });
    expect(await lastAudit('runtime.auth_info')).toMatchObject({ details: { withSecrets: true, secretsDelivered: ['api', 'db'] } });
    expect(JSON.stringify(await lastAudit('runtime.auth_info'))).not.toContain('secret-value');
    // The viewer sees the delivery among who acted as them.
    const events = (await viewer.session.request('GET', '/api/v1/users/me/impersonation-events')).json<Page<AuditEvent>>().items;
    expect(events.find((e) => e.action === 'secret.deliver')).toMatchObject({ webappId, details: { names: ['api', 'db'] } });
    // Targets there are the kind and id as recorded (the admin log's current names are not looked up for a viewer).
    for (const event of events) if (event.target) expect(Object.keys(event.target).sort()).toEqual(['id', 'type']);
    expect(events.some((e) => e.target)).toBe(true);
    await patchSettings(admin, webappId, { secretNames: ['db', 'missing'] });
    expect(await names()).toEqual(['db']);
    expect(await authInfoOk(backend, browserOf(viewer.session), true)).toMatchObject({ secretsWithoutConsent: ['missing'] });
    // Without withSecrets, nothing is opened.
    expect(await authInfoOk(backend, browserOf(viewer.session))).not.toHaveProperty('secrets');
    // The global setting hides them for every webapp.
    expect((await admin.request('PATCH', '/api/v1/settings/security', { hideAccessTokens: true })).statusCode).toBe(200);
    const hidden = await authInfoOk(backend, browserOf(viewer.session), true);
    expect(hidden).toMatchObject({ secretsHidden: true });
    expect(hidden).not.toHaveProperty('secrets');
    expect(await lastAudit('runtime.auth_info')).toMatchObject({ details: { secretsHidden: true, secretsDelivered: [] } });
    expect((await admin.request('PATCH', '/api/v1/settings/security', { hideAccessTokens: false })).statusCode).toBe(200);
    expect(await names()).toEqual(['db']);
  });

  it('filters who acted as the viewer by action, webapp, actor and outcome, never beyond their own events', async () => {
    const list = async (query: string, who: SessionClient = viewer.session) => {
      const res = await who.request('GET', `/api/v1/users/me/impersonation-events${query}`);
      expect(res.statusCode).toBe(200);
      return res.json<Page<AuditEvent>>().items;
    };
    const all = await list('?limit=200');
    expect(all.length).toBeGreaterThan(0);
    // Each filter keeps what matches and drops what does not (an ignored filter would keep all).
    expect(await list('?action=token.exchange')).toEqual([]);
    const delivered = await list('?action=secret.deliver&limit=200');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBe(all.filter((e) => e.action === 'secret.deliver').length);
    expect(delivered.every((e) => e.action === 'secret.deliver')).toBe(true);
    expect((await list(`?webapp=${webappId}&limit=200`)).length).toBe(all.filter((e) => e.webappId === webappId).length);
    expect(await list('?webapp=00000000-0000-4000-8000-000000000000')).toEqual([]);
    const actor = all.find((e) => e.actor?.userId)!.actor!;
    const byActor = await list(`?actor=${actor.login}&limit=200`);
    expect(byActor.length).toBe(all.filter((e) => e.actor?.userId === actor.userId).length);
    expect(await list(`?actor=${actor.userId}&limit=200`)).toEqual(byActor);
    expect(await list('?actor=nobody-at-all')).toEqual([]);
    const outcome = delivered[0].outcome;
    const sameOutcome = await list(`?outcome=${outcome}&limit=200`);
    expect(sameOutcome.length).toBe(all.filter((e) => e.outcome === outcome).length);
    expect(sameOutcome.length).toBeGreaterThan(0);
    expect(await list(`?outcome=${outcome === 'denied' ? 'failed' : 'denied'}&action=secret.deliver`)).toEqual([]);
    // The filters narrow the caller's own events: another person finds none of the viewer's.
    expect(await list(`?webapp=${webappId}&action=secret.deliver`, admin)).toEqual([]);
    const bad = expectProblem(
      await viewer.session.request('GET', '/api/v1/users/me/impersonation-events?webapp=board&outcome=maybe'),
      400,
      'validation-failed',
    );
    expect((bad.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['query.outcome', 'query.webapp']);
  });

  it('refuses a disabled viewer', async () => {
    const { user, session } = await userSession(t.app, admin);
    const token = await identityToken(backend, browserOf(session));
    expect((await admin.request('PATCH', `/api/v1/users/${user.id}`, { status: 'disabled' })).statusCode).toBe(200);
    expectProblem(await authInfo(backend, { authorization: `Bearer ${token}` }), 401, 'viewer-unauthenticated');
    expect(await lastAudit('runtime.auth_info')).toMatchObject({ reason: 'viewer_user_inactive' });
  });
});
