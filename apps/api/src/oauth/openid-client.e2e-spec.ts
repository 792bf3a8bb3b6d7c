import { TOKEN_EXCHANGE } from '@behalf/contracts';
import * as oidc from 'openid-client';
import { loginAsAdmin, withBearer } from '../../test/clients';
import { ImpersonationWorld, impersonationWorld } from '../../test/fixtures/runtime';
import { startTestApp, TestApp } from '../../test/harness';
import { freePort } from '../../test/spawn';

/**
 * A standard OAuth client library performs the exchange, as a webapp backend in any language
 * would: discovery from the issuer, then the RFC 8693 grant. It authenticates as a public client
 * and so sends `client_id`, a parameter the token endpoint ignores (RFC 6749 §3.2).
 */
describe('token exchange with openid-client', () => {
  let t: TestApp;
  let issuer: string;
  let w: ImpersonationWorld;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ env: { BEHALF_PUBLIC_URL: issuer } });
    await t.app.listen(port, '127.0.0.1');
    w = await impersonationWorld(t.app, await loginAsAdmin(t.app));
  });

  afterAll(() => t?.close());

  const discover = () => oidc.discovery(new URL(issuer), `webapp:${w.webappId}`, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });

  it('discovers the token endpoint and exchanges an identity token for an access token', async () => {
    const config = await discover();
    expect(config.serverMetadata()).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token`, jwks_uri: `${issuer}/.well-known/jwks.json` });
    const response = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE.grantType, {
      subject_token: w.idToken,
      subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      actor_token: w.backendToken,
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    });
    expect(response).toMatchObject({ token_type: 'bearer', issued_token_type: TOKEN_EXCHANGE.accessTokenType, expires_in: 300 });
    expect((await withBearer(t.app, response.access_token).request('GET', '/api/v1/auth/me')).json()).toMatchObject({ id: w.viewer.id });
  });

  it('surfaces refusals as the library’s OAuth errors', async () => {
    const config = await discover();
    const attempt = oidc.genericGrantRequest(config, TOKEN_EXCHANGE.grantType, {
      subject_token: 'not-a-token',
      subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      actor_token: w.backendToken,
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    });
    await expect(attempt).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });
});
