import { join } from 'node:path';
import { Browser, openBrowser, Proc, signInOnLoginPage, Stack, start, startStack, stopAll, USER_PASSWORD, World } from '@behalf/testing';

const ROOT = join(__dirname, '../../..');

/**
 * Streamlit reads its viewer from the headers of the websocket a session runs over, so the identity
 * token it holds ages with the page. streamlit-sales notices when it has expired and reloads the
 * page, on whose new websocket the gateway puts a fresh token: the viewer keeps working.
 */
describe('streamlit-sales past its identity token’s lifetime', () => {
  let stack: Stack;
  let runner: Proc;
  let browser: Browser;
  let slug: string;

  beforeAll(async () => {
    stack = await startStack();
    const world = await new World(stack).init();
    const owner = await world.user('owner');
    const sam = await world.user('sam');
    const builders = await world.group('builders', [owner.id]);
    const sales = await world.group('sales', [sam.id]);
    await stack.call('PUT', `/api/v1/groups/${builders.id}/impersonation-targets/${sales.id}`, { reason: 'sales' }, world.admin);
    // Identity tokens of ten seconds (the shortest allowed): with the SDK's 30 s of skew, dead after 40 s.
    expect((await stack.call('PATCH', '/api/v1/settings/security', { identityTokenLifetimeSeconds: 10 }, world.admin)).status).toBe(200);
    const app = await world.webapp('streamlit-sales', {
      runAsUserId: owner.id,
      access: 'authenticated',
      allowImpersonation: true,
      identityPropagation: { header: true, jwt: true },
    });
    slug = app.slug;
    const key = (await stack.call<{ key: string }>('POST', '/api/v1/api-keys', { name: 'runner' }, world.admin)).body.key;
    runner = start(
      process.execPath,
      [join(ROOT, 'libs/runtime-sdk/dist/runner/cli.js'), 'start', slug, '--', 'python3', '-m', 'streamlit', 'run', 'apps/examples/streamlit-sales/app.py'],
      { BEHALF_URL: `http://127.0.0.1:${stack.apiPort}`, BEHALF_API_KEY: key, PYTHONPATH: join(ROOT, 'libs/runtime-python/src'), PYTHONUNBUFFERED: '1' },
    );
    await runner.waitFor(/ → http:\/\/127\.0\.0\.1:\d+/, 120_000);
    await world.routed(slug, await world.signIn(slug, world.admin));
    browser = await openBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await runner?.stop();
    await stack?.stop();
    await stopAll();
  });

  it('reloads itself for a fresh identity token, and the viewer goes on as themselves', async () => {
    const page = await browser.context.newPage();
    const url = `http://${stack.hostOf(slug)}/`;
    await page.goto(url);
    await signInOnLoginPage(page, 'sam', USER_PASSWORD, url);
    await page.getByRole('heading', { name: 'Hello, SAM' }).waitFor({ timeout: 60_000 });
    let loads = 0;
    page.on('load', () => (loads += 1));
    // Past the token's life and the skew allowed.
    await new Promise((r) => setTimeout(r, 42_000));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForEvent('load', { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Hello, SAM' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Refresh' }).waitFor();
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(await page.getByText('Behalf did not vouch for you').count()).toBe(0);
  }, 150_000);
});
