import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import {
  Browser,
  freePort,
  http,
  openBrowser,
  Proc,
  signInOnLoginPage,
  Stack,
  start,
  startStack,
  stopAll,
  USER_PASSWORD,
  within,
  World,
} from '@behalf/testing';

const FIXTURES = join(__dirname, 'fixtures');

async function startPython(args: string[], ready: RegExp, port: number): Promise<Proc> {
  const proc = start('python3', args, { PYTHONUNBUFFERED: '1', STREAMLIT_BROWSER_GATHER_USAGE_STATS: 'false' }, FIXTURES);
  await proc.waitFor(ready, 90_000);
  await within(
    30_000,
    async () =>
      await http(port, `127.0.0.1:${port}`, '/').then(
        (r) => r.status > 0,
        () => false,
      ),
  );
  return proc;
}

/** The gateway in front of real Python webapps: Flask (WSGI) and Streamlit in a real browser. */
describe('gateway with Flask and Streamlit upstreams', () => {
  let stack: Stack;
  let world: World;
  let flask: { id: string; slug: string };
  let streamlit: { id: string; slug: string };
  let flaskPort: number;
  let alice: { id: string };

  beforeAll(async () => {
    stack = await startStack();
    world = await new World(stack).init();
    alice = await world.user('alice');
    await world.group('analysts', [alice.id]);
    flaskPort = await freePort();
    const streamlitPort = await freePort();
    await Promise.all([
      startPython(['-m', 'flask', '--app', 'flask_app', 'run', '--host', '127.0.0.1', '--port', String(flaskPort)], /Running on/, flaskPort),
      startPython(
        [
          '-m',
          'streamlit',
          'run',
          'streamlit_app.py',
          '--server.port',
          String(streamlitPort),
          '--server.address',
          '127.0.0.1',
          '--server.headless',
          'true',
          '--server.fileWatcherType',
          'none',
          '--browser.gatherUsageStats',
          'false',
        ],
        /You can now view your Streamlit app/,
        streamlitPort,
      ),
    ]);
    flask = await world.webapp('Flask Reports', { access: 'authenticated', identityPropagation: { header: true, jwt: true } });
    streamlit = await world.webapp('Streamlit Sales', { access: 'restricted', viewers: { users: [alice.id], groups: [] } });
    await world.run(flask.id, `http://127.0.0.1:${flaskPort}`);
    await world.run(streamlit.id, `http://127.0.0.1:${streamlitPort}`);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  it('keeps WSGI from reading a forged X_Forwarded_User (which it reads as X-Forwarded-User)', async () => {
    const forged = ['X_Forwarded_User', 'mallory', 'X-Forwarded-Email', 'mallory@evil.example', 'Remote_User', 'root', 'X_Behalf_User', 'mallory'];
    // Straight to Flask, a forged identity header works: the reason the gateway strips them all.
    const direct = await http(flaskPort, `127.0.0.1:${flaskPort}`, '/', { headers: forged });
    expect(direct.json()).toMatchObject({ forwarded_email: 'mallory@evil.example' });
    const cookie = await world.signIn(flask.slug, await stack.login('alice', USER_PASSWORD));
    await world.routed(flask.slug, cookie);
    const via = await http(stack.gatewayPort, stack.hostOf(flask.slug), '/report', {
      headers: ['Cookie', `${cookie}; behalf_session=x; theme=dark`, ...forged],
    });
    expect(via.status).toBe(200);
    const seen = via.json<Record<string, unknown>>();
    expect(seen).toMatchObject({
      path: 'report',
      user: 'alice',
      user_id: alice.id,
      groups: 'analysts',
      forwarded_user: null,
      forwarded_email: null,
      remote_user: null,
      cookies: { theme: 'dark' },
    });
    expect(seen.identity).toMatch(/^eyJ/);
    expect(JSON.stringify(seen)).not.toContain('mallory');
  });

  describe('in a browser', () => {
    let context: BrowserContext;
    let browser: Browser;

    beforeAll(async () => {
      browser = await openBrowser();
      context = browser.context;
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('signs the viewer in and renders the Streamlit app with their login, working over its websocket', async () => {
      const page = await context.newPage();
      await page.goto(`http://${stack.hostOf(streamlit.slug)}/`);
      // No Behalf session yet: Behalf's login page, then back.
      await signInOnLoginPage(page, 'alice', USER_PASSWORD, `http://${stack.hostOf(streamlit.slug)}/`);
      await page.getByRole('heading', { name: 'Hello, alice' }).waitFor({ timeout: 60_000 });
      await page.getByText('Forged: none').waitFor();
      // A rerun travels over the websocket: the click comes back as a new render.
      await page.getByRole('button', { name: 'Count' }).click();
      await page.getByText('Clicks: 1').waitFor({ timeout: 30_000 });
      await page.close();
    }, 120_000);

    it('keeps a webapp page’s scripts from calling the API as the viewer or reading cookies not its own', async () => {
      // A second webapp, public, sets a cookie of its own on its origin.
      const other = await world.webapp('Other Board', { access: 'public' });
      await world.run(other.id, `http://127.0.0.1:${flaskPort}`);
      await within(2000, async () => (await http(stack.gatewayPort, stack.hostOf(other.slug), '/')).status === 200);
      const otherPage = await context.newPage();
      await otherPage.goto(`http://${stack.hostOf(other.slug)}/`);
      await otherPage.evaluate(() => (document.cookie = 'other_secret=1; path=/'));
      await otherPage.close();

      const page = await context.newPage();
      await page.goto(`http://${stack.hostOf(streamlit.slug)}/`);
      await page.getByRole('heading', { name: 'Hello, alice' }).waitFor({ timeout: 60_000 });
      const keysBefore = (await stack.call<{ items: unknown[] }>('GET', '/api/v1/api-keys?userId=*', undefined, world.admin)).body.items.length;
      const seen = await page.evaluate(async (api) => {
        const read = await fetch(`${api}/api/v1/auth/me`, { credentials: 'include' }).then(
          (r) => `read ${r.status}`,
          (e: Error) => `blocked: ${e.name}`,
        );
        // A write the browser sends without reading the answer: no CSRF token, so refused.
        await fetch(`${api}/api/v1/api-keys`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body: '{"name":"stolen"}',
        }).catch(() => undefined);
        return { read, cookies: document.cookie };
      }, stack.publicUrl);
      expect(seen.read).toBe('blocked: TypeError');
      expect(seen.cookies).not.toContain('behalf_');
      expect(seen.cookies).not.toContain('other_secret');
      const keysAfter = (await stack.call<{ items: unknown[] }>('GET', '/api/v1/api-keys?userId=*', undefined, world.admin)).body.items.length;
      expect(keysAfter).toBe(keysBefore);
      await page.close();
    }, 120_000);
  });
});
