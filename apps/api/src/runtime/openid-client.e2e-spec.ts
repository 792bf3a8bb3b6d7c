import { createServer } from 'node:net';
import type { User } from '@behalf/contracts';
import { TOKEN_EXCHANGE } from '@behalf/contracts';
import * as oidc from 'openid-client';
import { SessionClient, loginAsAdmin, withBearer } from '../../test/clients';
import { addMember, createGroup, userSession } from '../../test/fixtures/identity';
import { browserOf, identityToken } from '../../test/fixtures/runtime';
import { createWebapp, patchSettings, startRun } from '../../test/fixtures/webapps';
import { startTestApp, TestApp } from '../../test/harness';

/** A free loopback port, for a server whose public URL (the issuer) must be known before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A standard OAuth client library performs the exchange, as a webapp backend in any language
 * would: discovery from the issuer, then the RFC 8693 grant. It authenticates as a public client
 * and so sends `client_id`, a parameter the token endpoint ignores (RFC 6749 §3.2).
 */
describe('token exchange with openid-client', () => {
  let t: TestApp;
  let issuer: string;
  let admin: SessionClient;
  let viewer: { user: User; session: SessionClient };
  let run: Awaited<ReturnType<typeof startRun>>;
  let webappId: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ env: { BEHALF_PUBLIC_URL: issuer } });
    await t.app.listen(port, '127.0.0.1');
    admin = await loginAsAdmin(t.app);
    const ru = (await userSession(t.app, admin)).user;
    viewer = await userSession(t.app, admin);
    const g1 = (await createGroup(admin)).id;
    const g2 = (await createGroup(admin)).id;
    await addMember(admin, g1, ru.id);
    await addMember(admin, g2, viewer.user.id);
    await admin.request('PUT', `/api/v1/groups/${g1}/impersonation-targets/${g2}`, { reason: 'library test' });
    webappId = (await createWebapp(admin)).id;
    await patchSettings(admin, webappId, { runAsUserId: ru.id, allowImpersonation: true });
    run = await startRun(t.app, admin, webappId);
  });

  afterAll(() => t?.close());

  const discover = () => oidc.discovery(new URL(issuer), `webapp:${webappId}`, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });

  it('discovers the token endpoint and exchanges an identity token for an access token', async () => {
    const config = await discover();
    expect(config.serverMetadata()).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token`, jwks_uri: `${issuer}/.well-known/jwks.json` });
    const response = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE.grantType, {
      subject_token: await identityToken(run.backend, browserOf(viewer.session)),
      subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      actor_token: run.backendToken,
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    });
    expect(response).toMatchObject({ token_type: 'bearer', issued_token_type: TOKEN_EXCHANGE.accessTokenType, expires_in: 300 });
    expect((await withBearer(t.app, response.access_token).request('GET', '/api/v1/auth/me')).json()).toMatchObject({ id: viewer.user.id });
  });

  it('surfaces refusals as the library’s OAuth errors', async () => {
    const config = await discover();
    const attempt = oidc.genericGrantRequest(config, TOKEN_EXCHANGE.grantType, {
      subject_token: 'not-a-token',
      subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      actor_token: run.backendToken,
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    });
    await expect(attempt).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });
});
