import { join } from 'node:path';
import type { WebappRun } from '@behalf/contracts';
import { ADMIN_PASSWORD, http, Proc, Stack, start, startStack, stopAll, within, World } from '@behalf/testing';

const ROOT = join(__dirname, '../../..');
const RUNNER = join(ROOT, 'libs/runtime-sdk/dist/runner/cli.js');

interface Seen {
  port: number;
  names: string[];
  tokenFileMode: string;
  tokenDigest: string;
  tokenPayload: { run_id: string; exp: number; iat: number };
}

/** The local runner's own duties: the launch environment, the token file it keeps fresh, and letting go of nothing. */
describe('the local runner', () => {
  let stack: Stack;
  let world: World;
  let webapp: { id: string; slug: string };
  let key: { id: string; key: string };
  let runner: Proc;
  let cookie: string;

  const seen = async () => (await http(stack.gatewayPort, stack.hostOf(webapp.slug), '/', { headers: { cookie } })).json<Seen>();

  beforeAll(async () => {
    stack = await startStack();
    world = await new World(stack).init();
    // Backend tokens of a minute: the runner renews the file at four fifths of that.
    expect((await stack.call('PATCH', '/api/v1/settings/security', { backendTokenLifetimeSeconds: 60 }, world.admin)).status).toBe(200);
    webapp = await world.webapp('launch-spec', { access: 'authenticated' });
    key = (await stack.call<{ id: string; key: string }>('POST', '/api/v1/api-keys', { name: 'runner' }, world.admin)).body;
    runner = start(process.execPath, [RUNNER, 'start', webapp.slug, '--', process.execPath, 'apps/examples/test/fixtures/launch-spec-app.mjs'], {
      BEHALF_URL: `http://127.0.0.1:${stack.apiPort}`,
      BEHALF_API_KEY: key.key,
      BEHALF_PASSWORD: 'not-for-the-webapp',
    });
    await runner.waitFor(/ → http:\/\/127\.0\.0\.1:\d+/, 60_000);
    cookie = await world.signIn(webapp.slug, world.admin);
    await world.routed(webapp.slug, cookie);
  }, 120_000);
  afterAll(async () => {
    await runner?.stop();
    await stack?.stop();
    await stopAll();
  });

  it('launches the command with the launch spec and a 0600 token file, never with its own credentials', async () => {
    const first = await seen();
    expect(first.names.sort()).toEqual(['BEHALF_BACKEND_TOKEN_FILE', 'BEHALF_RUN_ID', 'BEHALF_URL', 'BEHALF_WEBAPP_ID', 'HOST', 'PORT']);
    expect(first.tokenFileMode).toBe('600');
    expect(runner.output()).toContain(`on port ${first.port}`);
    expect(runner.output()).not.toContain(key.key);
  });

  it('renews the token file before the token expires (a one-minute token, renewed after about 48 s)', async () => {
    const first = await seen();
    expect(first.tokenPayload.exp - first.tokenPayload.iat).toBe(60);
    await within(58_000, async () => (await seen()).tokenDigest !== first.tokenDigest);
    const renewed = await seen();
    expect(renewed.tokenPayload.run_id).toBe(first.tokenPayload.run_id);
    expect(renewed.tokenPayload.exp).toBeGreaterThan(first.tokenPayload.exp);
  }, 70_000);

  it('signs in with a login and password instead of an API key, and an interrupt stops the process and the run', async () => {
    const byLogin = start(process.execPath, [RUNNER, 'start', webapp.id, '--', process.execPath, 'apps/examples/test/fixtures/launch-spec-app.mjs'], {
      BEHALF_URL: `http://127.0.0.1:${stack.apiPort}`,
      BEHALF_LOGIN: 'admin',
      BEHALF_PASSWORD: ADMIN_PASSWORD,
    });
    const [, runId] = await byLogin.waitFor(/run ([0-9a-f-]{36}) of launch-spec started, as admin/);
    await byLogin.waitFor(/ → http:\/\/127\.0\.0\.1:\d+/, 60_000);
    byLogin.child.kill('SIGINT');
    await byLogin.waitFor(/stopping the process: the runner was interrupted/);
    await within(3_000, async () => byLogin.child.exitCode !== null);
    const run = await stack.call<WebappRun>('GET', `/api/v1/webapps/${webapp.id}/runs/${runId}`, undefined, world.admin);
    expect(run.body.status).toBe('stopped');
    expect(byLogin.output()).not.toContain(ADMIN_PASSWORD);
  }, 60_000);

  it('says what is wrong: a refused login, an unknown webapp, a missing command', async () => {
    const env = { BEHALF_URL: `http://127.0.0.1:${stack.apiPort}` };
    const wrong = start(process.execPath, [RUNNER, 'start', webapp.slug, '--', 'true'], { ...env, BEHALF_LOGIN: 'admin', BEHALF_PASSWORD: 'wrong-password-0' });
    await wrong.waitFor(/Behalf refused the login of admin \(HTTP 401\)/);
    const unknown = start(process.execPath, [RUNNER, 'start', 'no-such-webapp', '--', 'true'], { ...env, BEHALF_API_KEY: key.key });
    await unknown.waitFor(/No webapp "no-such-webapp" that you may see/);
    const usage = start(process.execPath, [RUNNER, 'start', webapp.slug], env);
    await usage.waitFor(/Usage: behalf start/);
    for (const proc of [wrong, unknown, usage]) await within(5_000, async () => proc.child.exitCode !== null);
    expect([wrong.child.exitCode, unknown.child.exitCode, usage.child.exitCode]).toEqual([1, 1, 2]);
    expect(wrong.output()).not.toContain('wrong-password-0');
  }, 30_000);

  it('stops the process once Behalf refuses it (its API key revoked), and the run with it', async () => {
    const { tokenPayload } = await seen();
    expect((await stack.call('DELETE', `/api/v1/api-keys/${key.id}`, undefined, world.admin)).status).toBe(204);
    await runner.waitFor(/stopping the process: Behalf refused/, 5_000);
    await within(3_000, async () => runner.child.exitCode !== null);
    const run = await stack.call<WebappRun>('GET', `/api/v1/webapps/${webapp.id}/runs/${tokenPayload.run_id}`, undefined, world.admin);
    // Its key gone, the runner stopped the run with the run's own backend token.
    expect(run.body).toMatchObject({ status: 'stopped', stopReason: 'stopped' });
    expect(runner.output()).toMatch(/run [0-9a-f-]{36} stopped: the process exited/);
  }, 30_000);
});
