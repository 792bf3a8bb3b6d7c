import type { ImpersonationEvent, Page, User } from '@behalf/contracts';
import { anonymous, expectProblem, loginAsAdmin, SessionClient, withBearer } from '../../test/clients';
import { createDataset, fileUrl, grantDataset, putFile } from '../../test/fixtures/datasets';
import { addMember, createGroup, userSession } from '../../test/fixtures/identity';
import { authInfoOk, browserOf, exchange, exchangeParams, expectOAuthError, identityToken, tokenRequest } from '../../test/fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

/**
 * The scenario both source platforms document, through the HTTP API alone: a webapp runs as RU
 * (in G1); its viewers EU1 and EU2 are in G2; G1 may impersonate G2. D1 is readable by G1 only,
 * D2 by G2 only. The backend reads D1 as itself and D2 only as EU1, never D1 as EU1.
 */
describe('the run-as-user scenario, end to end', () => {
  let t: TestApp;
  let admin: SessionClient;
  let ru: User;
  let eu1: { user: User; session: SessionClient };
  let eu2: { user: User; session: SessionClient };
  let g1: string;
  let g2: string;
  let webappId: string;
  let backendToken: string;
  let d1: string;
  let d2: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    ru = (await userSession(t.app, admin)).user;
    eu1 = await userSession(t.app, admin, { displayName: 'End User One', email: 'eu1@example.com' });
    eu2 = await userSession(t.app, admin);
    g1 = (await createGroup(admin)).id;
    g2 = (await createGroup(admin)).id;
    await addMember(admin, g1, ru.id);
    await addMember(admin, g2, eu1.user.id);
    await addMember(admin, g2, eu2.user.id);
    const grant = await admin.request('PUT', `/api/v1/groups/${g1}/impersonation-targets/${g2}`, { reason: 'the sales dashboard reads each viewer’s data' });
    expect(grant.statusCode).toBe(200);

    webappId = (await createWebapp(admin)).id;
    await patchSettings(admin, webappId, { runAsUserId: ru.id, allowImpersonation: true, secretNames: ['warehouse'] });
    d1 = (await createDataset(admin)).id;
    d2 = (await createDataset(admin)).id;
    await grantDataset(admin, d1, g1, 'read');
    await grantDataset(admin, d2, g2, 'read');
    await putFile(admin, d1, 'rows.csv', 'd1 rows');
    await putFile(admin, d2, 'rows.csv', 'd2 rows');

    // EU1 keeps a secret the webapp may receive, and one it may not.
    expect((await eu1.session.request('PUT', '/api/v1/users/me/secrets/warehouse', { value: 'eu1-warehouse-password' })).statusCode).toBe(201);
    // EU1 lets this webapp receive the secret (the admin allowed the name; the viewer consents).
    expect((await eu1.session.request('PUT', `/api/v1/users/me/secret-consents/${webappId}`, { names: ['warehouse'] })).statusCode).toBe(201);
    expect((await eu1.session.request('PUT', '/api/v1/users/me/secrets/personal', { value: 'eu1-personal-password' })).statusCode).toBe(201);

    const run = await startRun(t.app, admin, webappId);
    expect(run.identity).toEqual({ userId: ru.id, login: ru.login, source: 'explicit' });
    backendToken = run.backendToken;
  });

  afterAll(() => t?.close());

  it('plays the whole story', async () => {
    const backend = withBearer(t.app, backendToken);

    // 1. The backend reads D1 as itself (RU is in G1); D2 is not RU's to see.
    const asRu = await backend.request('GET', fileUrl(d1, 'rows.csv'));
    expect({ status: asRu.statusCode, body: asRu.body }).toEqual({ status: 200, body: 'd1 rows' });
    expectProblem(await backend.request('GET', fileUrl(d2, 'rows.csv')), 404, 'not-found');

    // 2. Who views? EU1's browser request, passed on.
    const info = await authInfoOk(backend, browserOf(eu1.session));
    expect(info).toEqual({
      authIdentifier: eu1.user.login,
      userId: eu1.user.id,
      displayName: 'End User One',
      email: 'eu1@example.com',
      groups: [expect.any(String)],
      anonymous: false,
    });

    // 3. EU1's identity for an impersonation token; D2 as EU1, and D1 refused as EU1.
    const accessToken = await exchange(t.app, await identityToken(backend, browserOf(eu1.session)), backendToken);
    const asEu1 = withBearer(t.app, accessToken);
    const d2AsEu1 = await asEu1.request('GET', fileUrl(d2, 'rows.csv'));
    expect({ status: d2AsEu1.statusCode, body: d2AsEu1.body }).toEqual({ status: 200, body: 'd2 rows' });
    expectProblem(await asEu1.request('GET', fileUrl(d1, 'rows.csv')), 403, 'forbidden');

    // 4. EU1's secrets with withSecrets: only the allowed one; none once access tokens are hidden.
    expect(await authInfoOk(backend, browserOf(eu1.session), true)).toMatchObject({
      authIdentifier: eu1.user.login,
      secrets: [{ name: 'warehouse', value: 'eu1-warehouse-password' }],
    });
    await patchSettings(admin, webappId, { hideAccessTokens: true });
    const hidden = await authInfoOk(backend, browserOf(eu1.session), true);
    expect(hidden).toMatchObject({ authIdentifier: eu1.user.login, secretsHidden: true });
    expect(hidden).not.toHaveProperty('secrets');
    expect(JSON.stringify(hidden)).not.toContain('eu1-warehouse-password');

    // 5. An anonymous viewer of a public webapp is Anonymous.
    await patchSettings(admin, webappId, { access: 'public' });
    expect(await authInfoOk(backend, { 'user-agent': 'someone without a session' })).toEqual({ authIdentifier: 'Anonymous', anonymous: true });

    // 6. The grant goes: the exchange is refused, and the token issued before is refused too.
    expect((await admin.request('DELETE', `/api/v1/groups/${g1}/impersonation-targets/${g2}`)).statusCode).toBe(204);
    const refused = await tokenRequest(t.app, exchangeParams(await identityToken(backend, browserOf(eu1.session)), backendToken));
    expect(expectOAuthError(refused, 'access_denied')).toMatch(/impersonation grant/);
    expectProblem(await asEu1.request('GET', fileUrl(d2, 'rows.csv')), 401, 'unauthenticated');

    // 7. EU1 sees what RU's backend did as them, from which webapp and when; EU2 sees nothing.
    const events = (await eu1.session.request('GET', '/api/v1/users/me/impersonation-events?limit=100')).json<Page<ImpersonationEvent>>().items;
    const summary = events.map((e) => ({ action: e.action, outcome: e.outcome, actor: e.actor.login, webappId: e.webappId, reason: e.reason }));
    expect(summary).toEqual([
      { action: 'token.exchange', outcome: 'denied', actor: ru.login, webappId, reason: 'no_grant' },
      { action: 'secret.deliver', outcome: 'succeeded', actor: ru.login, webappId, reason: null },
      { action: 'impersonation.request', outcome: 'denied', actor: ru.login, webappId, reason: 'status_403' },
      { action: 'access.denied', outcome: 'denied', actor: ru.login, webappId, reason: 'dataset_read_denied' },
      { action: 'impersonation.request', outcome: 'succeeded', actor: ru.login, webappId, reason: null },
      { action: 'token.exchange', outcome: 'allowed', actor: ru.login, webappId, reason: 'allowed' },
    ]);
    expect(events[1].details).toEqual({ names: ['warehouse'] });
    expect(events[4].details).toMatchObject({ method: 'GET', route: '/api/v1/datasets/:id/files/*', params: { id: d2, '*': 'rows.csv' }, status: 200 });
    expect(Date.parse(events[5].at)).not.toBeNaN();
    expect((await eu2.session.request('GET', '/api/v1/users/me/impersonation-events')).json<Page<ImpersonationEvent>>().items).toEqual([]);
    expectProblem(await anonymous(t.app).request('GET', '/api/v1/users/me/impersonation-events'), 401);
  });
});
