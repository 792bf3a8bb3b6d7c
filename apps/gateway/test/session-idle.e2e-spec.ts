import { http, Stack, startStack, stopAll, USER_PASSWORD, websocket, World } from '@behalf/testing';
import { startEcho } from './echo';

/** The Behalf session's idle timeout, short here (seconds). */
const IDLE_SECONDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A viewer's Behalf session idles out when the viewer does nothing, even with a webapp open: the
 * gateway's re-checks of open websockets do not count as the viewer's activity; their requests and
 * websocket messages do.
 */
describe('the gateway and the Behalf session idle timeout', () => {
  let stack: Stack;
  let world: World;
  let app: { id: string; slug: string };

  beforeAll(async () => {
    stack = await startStack({ BEHALF_GATEWAY_RECHECK_MS: '1000' }, { BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS) });
    world = await new World(stack).init();
    const echo = await startEcho('echo');
    await world.user('alice');
    app = await world.webapp('Idle Board', { access: 'authenticated' });
    await world.run(app.id, echo.url);
    await world.routed(app.slug);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const signedIn = async () => world.signIn(app.slug, await stack.login('alice', USER_PASSWORD));
  const get = (cookie: string) => http(stack.gatewayPort, stack.hostOf(app.slug), '/', { headers: { cookie, accept: 'text/html' } });
  const connect = (cookie: string) => {
    const ws = websocket(stack.gatewayPort, stack.hostOf(app.slug), '/ws', [], { cookie });
    const echoed: string[] = [];
    ws.on('message', (data) => echoed.push(String(data)));
    const opened = new Promise<number>((resolve, reject) => {
      ws.once('open', () => resolve(Date.now()));
      ws.once('error', reject);
    });
    const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
    return { ws, echoed, opened, closed };
  };

  it('closes a quiet websocket as signed out (4401) once its Behalf session idles out: the re-checks do not keep it alive', async () => {
    const c = connect(await signedIn());
    const openedAt = await c.opened;
    const { code, at } = await c.closed;
    expect(code).toBe(4401);
    // Not before the idle timeout, and within the 5 s a signed-out viewer is given after it.
    expect(at - openedAt).toBeGreaterThanOrEqual(IDLE_SECONDS * 1000 - 1000);
    expect(at - openedAt).toBeLessThan(IDLE_SECONDS * 1000 + 5000);
  }, 30_000);

  it('keeps the session of a viewer using a websocket, and lets it idle out once they stop', async () => {
    const cookie = await signedIn();
    const c = connect(cookie);
    await c.opened;
    let closed = false;
    void c.closed.then(() => (closed = true));
    for (let i = 0; i < 2 * IDLE_SECONDS + 2; i += 1) {
      c.ws.send(`ping ${i}`);
      await sleep(1000);
    }
    expect(closed).toBe(false);
    expect(c.echoed).toContain(`ping ${2 * IDLE_SECONDS + 1}`);
    expect((await get(cookie)).status).toBe(200);
    const stoppedAt = Date.now();
    const { code, at } = await c.closed;
    expect(code).toBe(4401);
    expect(at - stoppedAt).toBeLessThan(IDLE_SECONDS * 1000 + 5000);
  }, 60_000);

  it('keeps the session of a viewer making requests, and sends them to sign in once they stop', async () => {
    const cookie = await signedIn();
    for (let i = 0; i < 2 * IDLE_SECONDS; i += 1) {
      expect((await get(cookie)).status).toBe(200);
      await sleep(1000);
    }
    await sleep(IDLE_SECONDS * 1000 + 3000);
    expect((await get(cookie)).status).toBe(302);
  }, 60_000);
});
