import type { AuditEvent, Page, User } from '@behalf/contracts';
import { TOKEN_EXCHANGE } from '@behalf/contracts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { anonymous, Client, expectProblem, loginAs, loginAsAdmin, ManualClock, SessionClient, withBearer } from '../../test/clients';
import { addMember, apiKeyClient, createGroup, PASSWORD, userSession } from '../../test/fixtures/identity';
import { browserOf, exchange, exchangeParams, expectOAuthError, identityToken, tokenRequest } from '../../test/fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

/**
 * `POST /oauth/token`: every malformed request and every refusal, with its exact OAuth error
 * and audit reason; what an issued token says and may do.
 */
describe('the token exchange', () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: Client;
  let ru: User;
  let g1: string;
  let g2: string;
  let viewer: { user: User; session: SessionClient };
  let webappId: string;
  let run: Awaited<ReturnType<typeof startRun>>;

  /** The token.exchange audit records, newest first. */
  const exchanges = async () => (await admin.request('GET', '/api/v1/audit-events?action=token.exchange&limit=5')).json<Page<AuditEvent>>().items;

  /** A webapp running as RU that allows impersonation, with its run. */
  const newRun = async (settings: Record<string, unknown> = {}) => {
    const webapp = await createWebapp(admin);
    await patchSettings(admin, webapp.id, { runAsUserId: ru.id, allowImpersonation: true, ...settings });
    return { webappId: webapp.id, run: await startRun(t.app, admin, webapp.id) };
  };

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    t = await startTestApp({ clock });
    // An API key: it outlives the clock moves below (sessions would time out).
    admin = (await apiKeyClient(t.app, await loginAsAdmin(t.app))).client;
    ru = (await userSession(t.app, admin)).user;
    g1 = (await createGroup(admin)).id;
    g2 = (await createGroup(admin)).id;
    await addMember(admin, g1, ru.id);
    expect((await admin.request('PUT', `/api/v1/groups/${g1}/impersonation-targets/${g2}`, { reason: 'support' })).statusCode).toBe(200);
    ({ webappId, run } = await newRun());
    viewer = await userSession(t.app, admin);
    await addMember(admin, g2, viewer.user.id);
  });

  afterAll(() => t?.close());

  describe('an issued token', () => {
    it('is an RFC 9068 access token for the viewer, acting as the run identity, audited before it is answered', async () => {
      const idToken = await identityToken(run.backend, browserOf(viewer.session));
      const res = await tokenRequest(t.app, exchangeParams(idToken, run.backendToken, { client_id: 'my-webapp', unknown_extra: 'ignored' }));
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json<Record<string, unknown>>();
      expect(body).toEqual({ access_token: expect.any(String), issued_token_type: TOKEN_EXCHANGE.accessTokenType, token_type: 'Bearer', expires_in: 300 });
      const token = body.access_token as string;
      expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'EdDSA', kid: expect.any(String) });
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({
        iss: t.config.http.publicUrl,
        sub: viewer.user.id,
        aud: 'behalf-api',
        client_id: `webapp:${webappId}`,
        act: { sub: ru.id, login: ru.login, webapp_id: webappId, run_id: run.runId },
      });
      expect(claims.exp! - claims.iat!).toBe(300);
      const [record] = await exchanges();
      expect(record).toMatchObject({
        outcome: 'allowed',
        reason: 'allowed',
        actor: { userId: ru.id, login: ru.login },
        onBehalfOf: { userId: viewer.user.id, login: viewer.user.login },
        webappId,
        target: { type: 'webapp_run', id: run.runId },
        details: { tokenId: claims.jti, subjectTokenType: TOKEN_EXCHANGE.jwtTokenType },
      });
      expect(JSON.stringify(record)).not.toContain(token);
      expect(JSON.stringify(record)).not.toContain(idToken);
    });

    it('carries exactly the viewer’s rights, with the actor in every audit record made under it', async () => {
      const asViewer = withBearer(t.app, await exchange(t.app, await identityToken(run.backend, browserOf(viewer.session)), run.backendToken));
      expect((await asViewer.request('GET', '/api/v1/auth/me')).json()).toMatchObject({ id: viewer.user.id, login: viewer.user.login, permissions: [] });
      // RU's rights do not come along: this viewer is no admin.
      expectProblem(await asViewer.request('GET', '/api/v1/users'), 403, 'forbidden');
      // Webapp code writes no secrets, even the viewer's own.
      expectProblem(await asViewer.request('PUT', '/api/v1/users/me/secrets/set-by-backend', { value: 'x' }), 403, 'forbidden');
      const [denied] = (await admin.request('GET', '/api/v1/audit-events?action=access.denied&limit=1')).json<Page<AuditEvent>>().items;
      expect(denied).toMatchObject({
        actor: { userId: ru.id, login: ru.login },
        onBehalfOf: { userId: viewer.user.id, login: viewer.user.login },
        webappId,
        reason: 'credential_not_accepted:impersonation',
        details: { route: '/api/v1/users/me/secrets/:name', impersonation: { runId: run.runId } },
      });
      // Short-lived tokens never mint lasting credentials, nor call the runtime as a backend.
      expectProblem(await asViewer.request('POST', '/api/v1/api-keys', { name: 'forever' }), 403, 'forbidden');
      expectProblem(await run.backend.request('POST', '/api/v1/api-keys', { name: 'forever' }), 403, 'forbidden');
      expectProblem(await asViewer.request('POST', '/api/v1/runtime/auth-info', { headers: {} }), 403, 'forbidden');
    });

    it('may be obtained from the viewer’s session cookie value too', async () => {
      const res = await tokenRequest(t.app, {
        ...exchangeParams(viewer.session.sessionCookie, run.backendToken),
        subject_token_type: TOKEN_EXCHANGE.sessionTokenType,
      });
      expect(res.statusCode).toBe(200);
      expect(decodeJwt(res.json<{ access_token: string }>().access_token).sub).toBe(viewer.user.id);
    });

    it('for the run identity itself is allowed as "self"', async () => {
      const self = await userSession(t.app, admin);
      const { run: ownRun } = await newRun({ runAsUserId: self.user.id });
      const token = await exchange(t.app, await identityToken(ownRun.backend, browserOf(self.session)), ownRun.backendToken);
      expect(decodeJwt(token).sub).toBe(self.user.id);
      expect((await exchanges())[0]).toMatchObject({ outcome: 'allowed', reason: 'self' });
    });
  });

  describe('malformed requests', () => {
    let params: Record<string, string>;
    beforeAll(async () => {
      params = exchangeParams(await identityToken(run.backend, browserOf(viewer.session)), run.backendToken);
    });
    const without = (name: string) => Object.fromEntries(Object.entries(params).filter(([k]) => k !== name));

    it.each(['grant_type', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type'])('missing %s is invalid_request', async (name) => {
      expect(expectOAuthError(await tokenRequest(t.app, without(name)), 'invalid_request')).toContain(`${name} is required`);
      expect(expectOAuthError(await tokenRequest(t.app, { ...params, [name]: '' }), 'invalid_request')).toContain(`${name} is required`);
    });

    it('an unknown grant type is unsupported_grant_type', async () => {
      expectOAuthError(await tokenRequest(t.app, { ...params, grant_type: 'client_credentials' }), 'unsupported_grant_type');
      expectOAuthError(await tokenRequest(t.app, { ...params, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }), 'unsupported_grant_type');
    });

    it('unknown token types are invalid_request', async () => {
      expect(expectOAuthError(await tokenRequest(t.app, { ...params, subject_token_type: TOKEN_EXCHANGE.accessTokenType }), 'invalid_request')).toContain(
        'subject_token_type',
      );
      expect(
        expectOAuthError(await tokenRequest(t.app, { ...params, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }), 'invalid_request'),
      ).toContain('subject_token_type');
      expect(expectOAuthError(await tokenRequest(t.app, { ...params, actor_token_type: TOKEN_EXCHANGE.sessionTokenType }), 'invalid_request')).toContain(
        'actor_token_type',
      );
      expect(
        expectOAuthError(await tokenRequest(t.app, { ...params, requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }), 'invalid_request'),
      ).toContain('requested_token_type');
    });

    it('a repeated parameter, or a body that is not a form, is invalid_request', async () => {
      expect(
        expectOAuthError(await tokenRequest(t.app, { ...params, subject_token: [params.subject_token, params.subject_token] }), 'invalid_request'),
      ).toContain('subject_token must be sent once');
      const json = await anonymous(t.app).request('POST', '/oauth/token', params);
      expect(expectOAuthError(json, 'invalid_request')).toContain('application/x-www-form-urlencoded');
      expectOAuthError(await anonymous(t.app).request('POST', '/oauth/token'), 'invalid_request');
    });

    it('a scope is invalid_scope; an audience or resource other than the API is invalid_target', async () => {
      expectOAuthError(await tokenRequest(t.app, { ...params, scope: 'datasets:read' }), 'invalid_scope');
      expectOAuthError(await tokenRequest(t.app, { ...params, audience: 'another-api' }), 'invalid_target');
      expectOAuthError(await tokenRequest(t.app, { ...params, audience: ['behalf-api', 'another-api'] }), 'invalid_target');
      expectOAuthError(await tokenRequest(t.app, { ...params, resource: 'https://elsewhere.example' }), 'invalid_target');
      expect((await tokenRequest(t.app, { ...params, audience: 'behalf-api', resource: t.config.http.publicUrl })).statusCode).toBe(200);
    });

    it('form bodies stay refused on every other route (415)', async () => {
      const res = await anonymous(t.app).request('POST', '/api/v1/auth/login', 'login=admin&password=x', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expectProblem(res, 415, 'unsupported-media-type');
    });
  });

  describe('tokens that are not acceptable', () => {
    it('an impersonation token is neither an actor token nor a subject token', async () => {
      const idToken = await identityToken(run.backend, browserOf(viewer.session));
      const impersonation = await exchange(t.app, idToken, run.backendToken);
      expect(expectOAuthError(await tokenRequest(t.app, exchangeParams(idToken, impersonation)), 'unauthorized_client')).toContain(
        'impersonation token cannot act',
      );
      expect((await exchanges())[0]).toMatchObject({ outcome: 'failed', reason: 'actor_is_impersonation_token' });
      expect(expectOAuthError(await tokenRequest(t.app, exchangeParams(impersonation, run.backendToken)), 'invalid_grant')).toContain(
        'cannot be exchanged again',
      );
      expect((await exchanges())[0]).toMatchObject({ outcome: 'failed', reason: 'subject_is_impersonation_token' });
    });

    it('a backend token is no subject, garbage is no actor, and a dead session is no subject', async () => {
      const idToken = await identityToken(run.backend, browserOf(viewer.session));
      expectOAuthError(await tokenRequest(t.app, exchangeParams(run.backendToken, run.backendToken)), 'invalid_grant');
      expectOAuthError(await tokenRequest(t.app, exchangeParams(idToken, 'not.a.jwt')), 'unauthorized_client');
      expectOAuthError(await tokenRequest(t.app, exchangeParams(idToken, `${run.backendToken.slice(0, -4)}AAAA`)), 'unauthorized_client');
      const dead = await tokenRequest(t.app, { ...exchangeParams('no-such-session', run.backendToken), subject_token_type: TOKEN_EXCHANGE.sessionTokenType });
      expectOAuthError(dead, 'invalid_grant');
      expect((await exchanges())[0]).toMatchObject({ outcome: 'failed', reason: 'subject_unknown_session' });
    });

    it('another webapp’s identity token is invalid_grant', async () => {
      const other = await newRun();
      const foreign = await identityToken(other.run.backend, browserOf(viewer.session));
      expect(expectOAuthError(await tokenRequest(t.app, exchangeParams(foreign, run.backendToken)), 'invalid_grant')).toContain('issued for this webapp');
      expect((await exchanges())[0]).toMatchObject({ outcome: 'failed', reason: 'subject_token_invalid', webappId });
    });

    it('an anonymous viewer’s identity token is invalid_grant', async () => {
      const open = await newRun({ access: 'public' });
      const anonymousToken = await identityToken(open.run.backend, {});
      expect(decodeJwt(anonymousToken)).toMatchObject({ sub: 'anonymous', preferred_username: 'Anonymous' });
      expectOAuthError(await tokenRequest(t.app, exchangeParams(anonymousToken, open.run.backendToken)), 'invalid_grant');
      expect((await exchanges())[0]).toMatchObject({ reason: 'subject_anonymous' });
    });

    it('expired identity and backend tokens are refused, each as what it is', async () => {
      const short = await newRun();
      const v = await userSession(t.app, admin);
      await addMember(admin, g2, v.user.id);
      await admin.request('PATCH', '/api/v1/settings/security', { identityTokenLifetimeSeconds: 10 });
      const idToken = await identityToken(short.run.backend, browserOf(v.session));
      await admin.request('PATCH', '/api/v1/settings/security', { identityTokenLifetimeSeconds: 300 });
      clock.advance(16_000);
      expect(expectOAuthError(await tokenRequest(t.app, exchangeParams(idToken, short.run.backendToken)), 'invalid_grant')).toContain('expired');
      expect((await exchanges())[0]).toMatchObject({ reason: 'subject_token_expired' });
      // The backend token of an hour: past it (and the clock tolerance), the actor is refused.
      const fresh = await identityToken(short.run.backend, browserOf(await loginAs(t.app, v.user.login, PASSWORD)));
      clock.advance(3_600_000);
      expect(expectOAuthError(await tokenRequest(t.app, exchangeParams(fresh, short.run.backendToken)), 'unauthorized_client')).toContain('expired');
      expect((await exchanges())[0]).toMatchObject({ reason: 'actor_token_expired' });
    });
  });
});
