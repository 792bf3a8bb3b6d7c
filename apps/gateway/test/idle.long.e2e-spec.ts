import { Stack, startStack, stopAll, USER_PASSWORD, websocket, within, World } from '@behalf/testing';
import { startEcho } from './echo';

/** How long a quiet websocket lives through the gateway: at least ten minutes (no proxy idle cut). */
const IDLE_MS = 10 * 60_000 + 10_000;

describe('an idle websocket through the gateway', () => {
  let stack: Stack;
  let world: World;

  beforeAll(async () => {
    stack = await startStack();
    world = await new World(stack).init();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it(
    'stays open for more than ten minutes without a message, then still carries one both ways',
    async () => {
      await world.user('alice');
      const app = await world.webapp('Quiet Board', { access: 'authenticated' });
      await world.run(app.id, (await startEcho('quiet')).url);
      const cookie = await world.signIn(app.slug, await stack.login('alice', USER_PASSWORD));
      await world.routed(app.slug, cookie);
      const ws = websocket(stack.gatewayPort, stack.hostOf(app.slug), '/ws', ['a', 'b'], { cookie });
      const messages: string[] = [];
      ws.on('message', (data) => messages.push(data.toString()));
      let closed: number | undefined;
      ws.on('close', (code) => (closed = code));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      await within(3000, async () => messages.length === 1);
      // No ping, no message, nothing, for longer than ten minutes.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      expect(closed).toBeUndefined();
      ws.send('after the silence');
      await within(3000, async () => messages.includes('after the silence'));
      ws.close();
      // The closing handshake completes (no close timer left behind in this worker).
      await within(3000, async () => closed !== undefined);
    },
    IDLE_MS + 60_000,
  );
});
