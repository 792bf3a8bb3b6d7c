import { gatewayArgs, http, Proc, Stack, start, startStack, stopAll, USER_PASSWORD, within, World } from '@behalf/testing';
import { startEcho } from './echo';

/** Several gateway replicas in front of one API: each routes alike and each refuses a dead session within 5 s. */
describe('gateway replicas', () => {
  let stack: Stack;
  let world: World;
  let second: { proc: Proc; port: number };
  let app: { id: string; slug: string };

  beforeAll(async () => {
    stack = await startStack();
    world = await new World(stack).init();
    await world.user('alice');
    app = await world.webapp('Shared Board', { access: 'authenticated' });
    const echo = await startEcho('echo');
    await world.run(app.id, echo.url);
    // A second gateway for the same webapp origins (behind one load balancer, say): same API, same
    // key; this one says it runs in production.
    const proc = start(process.execPath, gatewayArgs(), {
      NODE_ENV: 'production',
      BEHALF_API_URL: `http://127.0.0.1:${stack.apiPort}`,
      BEHALF_PUBLIC_URL: stack.publicUrl,
      BEHALF_APPS_URL: `http://*.localhost:${stack.gatewayPort}`,
      BEHALF_GATEWAY_API_KEY: stack.apiKey,
      BEHALF_GATEWAY_PORT: '0',
    });
    const [, port] = await proc.waitFor(/Behalf gateway on http:\/\/127\.0\.0\.1:(\d+)/);
    second = { proc, port: Number(port) };
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  // Both replicas serve the same origin; the Host header names it, whichever replica answers.
  const viaEach = (cookie: string) =>
    Promise.all(
      [stack.gatewayPort, second.port].map((port) =>
        http(port, stack.hostOf(app.slug), '/', { headers: { cookie, accept: 'text/html' } }).then((r) => r.status),
      ),
    );

  it('accepts a session signed in through one replica on every replica, and every replica refuses it within 5 s of a password change', async () => {
    const cookie = await world.signIn(app.slug, await stack.login('alice', USER_PASSWORD));
    await within(2000, async () => (await viaEach(cookie)).every((s) => s === 200));
    const alice = (await stack.sql<{ id: string }>(`SELECT id::text FROM users WHERE login = 'alice'`))[0];
    const changedAt = Date.now();
    expect((await stack.call('PATCH', `/api/v1/users/${alice.id}`, { password: 'another-password-1' }, world.admin)).status).toBe(200);
    await within(5000, async () => (await viaEach(cookie)).every((s) => s === 302));
    expect(Date.now() - changedAt).toBeLessThan(5000);
  });

  it('warns at start, in production only, of an open /metrics and plain-http webapp origins', async () => {
    await second.proc.waitFor(/BEHALF_APPS_URL[^"]* is not https/, 5000);
    const warnings = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.includes('"insecureDefault":true'))
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(warnings(second.proc.output())).toEqual([
      'GET /metrics on the gateway is open to anyone, and names every webapp: set BEHALF_METRICS_TOKEN',
      `BEHALF_APPS_URL (http://*.localhost:${stack.gatewayPort}) is not https: viewers' gateway sessions travel in the clear, and their cookies are not __Host- ones`,
    ]);
    expect(warnings(stack.gateway.output())).toEqual([]);
  });

  it('routes a new run on every replica within a second', async () => {
    const other = await world.webapp('Second Board', { access: 'public' });
    const echo = await startEcho('later');
    await world.run(other.id, echo.url);
    const routed = Date.now();
    await within(1000, async () => {
      const statuses = await Promise.all([stack.gatewayPort, second.port].map((port) => http(port, stack.hostOf(other.slug), '/').then((r) => r.status)));
      return statuses.every((s) => s === 200);
    });
    expect(Date.now() - routed).toBeLessThan(1000);
  });
});
