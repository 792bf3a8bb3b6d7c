import { anonymous, loginAs, loginAsAdmin, withApiKey, withBearer } from '../../test/clients';
import { apiKeyClient, createUser } from '../../test/fixtures/identity';
import { createWebapp, startRun } from '../../test/fixtures/webapps';
import { ADMIN_PASSWORD, sql, startTestApp, TestApp } from '../../test/harness';

describe('credentials never reach logs or audit records', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { BEHALF_LOG_LEVEL: 'trace' } });
  });
  afterAll(() => t.close());

  it('leaves no password, API key, session cookie, CSRF token or backend token in any log line or audit row', async () => {
    const secrets: string[] = [ADMIN_PASSWORD];
    const admin = await loginAsAdmin(t.app);
    secrets.push(admin.sessionCookie, admin.csrfToken);

    const firstPassword = 'first-secret-password-7';
    const secondPassword = 'second-secret-password-8';
    const wrongPassword = 'wrong-secret-password-9';
    secrets.push(firstPassword, secondPassword, wrongPassword);
    const user = await createUser(admin, { password: firstPassword });
    const session = await loginAs(t.app, user.login, firstPassword);
    secrets.push(session.sessionCookie, session.csrfToken);
    await anonymous(t.app).request('POST', '/api/v1/auth/login', { login: user.login, password: wrongPassword });
    await admin.request('PATCH', `/api/v1/users/${user.id}`, { password: secondPassword });

    const key = await apiKeyClient(t.app, admin, { name: 'leak check' });
    secrets.push(key.key, key.key.slice(-43));
    await key.client.request('GET', '/api/v1/auth/me');
    const forged = key.key.replace(/.{10}$/, 'AAAAAAAAAA');
    secrets.push(forged);
    await withApiKey(t.app, forged).request('GET', '/api/v1/auth/me');
    await admin.request('GET', `/api/v1/users?q=x&token=${encodeURIComponent(key.key)}`);
    await admin.request('POST', '/api/v1/users', { login: 'bad login', password: 'short-pw-leak' });
    secrets.push('short-pw-leak');

    // Backend tokens: issued, used, refreshed, forged, and refused once their run stops.
    const webapp = await createWebapp(admin);
    const run = await startRun(t.app, admin, webapp.id);
    await run.backend.request('GET', '/api/v1/auth/me');
    const refreshed = (await run.backend.request('POST', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/refresh`)).json<{ backendToken: string }>();
    const tampered = `${run.backendToken.slice(0, -6)}AAAAAA`;
    await withBearer(t.app, tampered).request('GET', '/api/v1/auth/me');
    await admin.request('DELETE', `/api/v1/webapps/${webapp.id}/runs/${run.runId}`);
    await run.backend.request('GET', '/api/v1/auth/me');
    for (const token of [run.backendToken, refreshed.backendToken, tampered]) secrets.push(token, token.split('.')[2]);
    const [signingKey] = await sql<{ private_key: Buffer }>(t.database.url, 'SELECT private_key FROM signing_keys');
    secrets.push(signingKey.private_key.toString('base64'));

    const audit = JSON.stringify(await sql(t.database.url, 'SELECT * FROM audit_events'));
    const logs = t.logs.text;
    expect(logs.length).toBeGreaterThan(1000);
    expect(audit).toContain('auth.login');
    for (const secret of secrets) {
      expect({ secret, inLogs: logs.includes(secret), inAudit: audit.includes(secret) }).toEqual({ secret, inLogs: false, inAudit: false });
    }
  });
});
