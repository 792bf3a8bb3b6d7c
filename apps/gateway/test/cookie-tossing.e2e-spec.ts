import {
  behalfCookieOf,
  Browser,
  http,
  openBrowser,
  signInOnLoginPage,
  Stack,
  startStack,
  stopAll,
  USER_PASSWORD,
  websocket,
  within,
  World,
} from '@behalf/testing';
import { startEcho } from './echo';

/**
 * Cookie tossing. Every webapp is a sibling origin of every other (`<slug>.apps.example.com`), and
 * its scripts and backend are not ours: either can set a cookie for the parent domain, which the
 * browser then sends to every webapp. Over https the gateway's cookies are `__Host-` ones, which no
 * other origin can set, and only those are read: a session (or a sign-in in progress) planted under
 * the plain name is never the viewer's. The webapp origins here are said to be https
 * (`httpsApps`); the requests themselves are plain HTTP, as nothing here speaks TLS.
 */
describe('gateway: cookies another webapp could plant', () => {
  let stack: Stack;
  let world: World;
  let app: { id: string; slug: string };
  let alice: { id: string };
  let aliceCookie: string;
  let malloryCookie: string;

  beforeAll(async () => {
    stack = await startStack({}, {}, { httpsApps: true });
    world = await new World(stack).init();
    const echo = await startEcho('tossing');
    alice = await world.user('alice');
    await world.user('mallory');
    app = await world.webapp('Shared Board', { access: 'authenticated', identityPropagation: { header: true, jwt: false } });
    await world.run(app.id, echo.url);
    aliceCookie = await world.signIn(app.slug, await stack.login('alice', USER_PASSWORD));
    malloryCookie = await world.signIn(app.slug, await stack.login('mallory', USER_PASSWORD));
    await world.routed(app.slug, aliceCookie);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const get = (cookie: string, path = '/echo') => http(stack.gatewayPort, stack.hostOf(app.slug), path, { headers: { cookie, accept: 'text/html' } });

  it('sets __Host- cookies on an https webapp origin: Secure, Path=/, no Domain', async () => {
    const first = await http(stack.gatewayPort, stack.hostOf(app.slug), '/', { headers: { accept: 'text/html' } });
    expect(first.status).toBe(302);
    const pending = String(first.headers['set-cookie']);
    expect(pending).toMatch(/^__Host-behalf_gw_auth=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(new URL(String(first.headers.location)).searchParams.get('redirect_uri')).toBe(`https://${stack.hostOf(app.slug)}/.behalf/callback`);
    expect(aliceCookie).toMatch(/^__Host-behalf_gw=bgs_/);
  });

  it('reads the session only from the __Host- cookie: one under the plain name is not a session', async () => {
    const mallorySession = malloryCookie.slice(malloryCookie.indexOf('=') + 1);
    // Mallory's valid session, planted under the plain name: nobody is signed in.
    const planted = await get(`behalf_gw=${mallorySession}`);
    expect(planted.status).toBe(302);
    expect(String(planted.headers.location)).toContain('/oauth/authorize');
    // Beside Alice's own, it changes nothing: the webapp is told Alice views, and sees neither cookie.
    const both = await get(`behalf_gw=${mallorySession}; ${aliceCookie}; theme=dark`);
    expect(both.status).toBe(200);
    const seen = both.json<{ headers: Record<string, string> }>().headers;
    expect(seen['x-behalf-user']).toBe('alice');
    expect(seen['x-behalf-user-id']).toBe(alice.id);
    expect(seen.cookie).toBe('theme=dark');
  });

  it('finishes a sign-in only from the __Host- sign-in cookie: a planted plain one is refused', async () => {
    const first = await http(stack.gatewayPort, stack.hostOf(app.slug), '/', { headers: { accept: 'text/html' } });
    const pending = behalfCookieOf(first.headers['set-cookie'], 'behalf_gw_auth');
    expect(pending.name).toBe('__Host-behalf_gw_auth');
    const session = await stack.login('mallory', USER_PASSWORD);
    const authorize = new URL(String(first.headers.location));
    const approved = await fetch(`http://127.0.0.1:${stack.apiPort}${authorize.pathname}${authorize.search}`, {
      redirect: 'manual',
      headers: { cookie: session.cookie },
    });
    const callback = new URL(approved.headers.get('location')!);
    // Mallory's own sign-in in progress and its code, handed to a viewer with the cookie planted
    // under the plain name (login CSRF): refused, and no session is set.
    const refused = await http(stack.gatewayPort, stack.hostOf(app.slug), `${callback.pathname}${callback.search}`, {
      headers: { cookie: `behalf_gw_auth=${pending.value}`, accept: 'text/html' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Sign-in expired');
    expect(String(refused.headers['set-cookie'])).not.toMatch(/behalf_gw=bgs_/);
  });

  it('opens a websocket only on the __Host- session', async () => {
    const mallorySession = malloryCookie.slice(malloryCookie.indexOf('=') + 1);
    const status = (cookie: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = websocket(stack.gatewayPort, stack.hostOf(app.slug), '/ws', [], { cookie });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', reject);
      });
    expect(await status(`behalf_gw=${mallorySession}`)).toBe(401);
    expect(await status(aliceCookie)).toBe(101);
  });
});

/**
 * The API's cookies in Chromium, as outside development (`__Host-`, Secure; Chromium keeps Secure
 * cookies from http://localhost): a webapp page plants another person's session for the parent
 * domain, with a longer path so that it would be sent first. The viewer stays who they are, and
 * once signed out is not signed in as that person either.
 */
describe('the API’s cookies, planted by a webapp page in a browser', () => {
  let stack: Stack;
  let world: World;
  let browser: Browser;
  let app: { id: string; slug: string };
  let other: { id: string; slug: string };
  let idle: { id: string; slug: string };

  beforeAll(async () => {
    stack = await startStack({}, {}, { secureCookies: true });
    world = await new World(stack).init();
    await world.user('ada');
    await world.user('mallory');
    const echo = await startEcho('tossing-browser');
    app = await world.webapp('Public Notes', { access: 'public' });
    other = await world.webapp('Other Notes', { access: 'public' });
    idle = await world.webapp('Idle Notes', { access: 'public' });
    await world.run(app.id, echo.url);
    await world.run(other.id, echo.url);
    await world.routed(app.slug);
    await world.routed(other.slug);
    await within(5000, async () => (await http(stack.gatewayPort, stack.hostOf(idle.slug), '/')).status === 503);
    browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await stopAll();
  });

  it('keeps the viewer who they are, and signs them out for good', async () => {
    const { context } = browser;
    const consolePage = await context.newPage();
    await consolePage.goto(`${stack.publicUrl}/me/secrets`);
    await signInOnLoginPage(consolePage, 'ada', USER_PASSWORD, `${stack.publicUrl}/me/secrets`);
    const own = (await context.cookies(stack.publicUrl)).map(({ name, secure, path, domain }) => ({ name, secure, path, domain }));
    expect(own.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: '__Host-behalf_csrf', secure: true, path: '/', domain: 'localhost' },
      { name: '__Host-behalf_session', secure: true, path: '/', domain: 'localhost' },
    ]);
    const me = () => consolePage.evaluate(() => fetch('/api/v1/auth/me').then(async (r) => (r.ok ? ((await r.json()) as { login: string }).login : r.status)));
    expect(await me()).toBe('ada');

    // Mallory's own session, planted for the parent domain, as a webapp's page can in production
    // (`Domain=example.com` from `<slug>.apps.example.com`). Chromium takes `localhost` for a
    // top-level domain: it refuses `Domain=localhost` from a page, so the test puts the cookie in
    // the browser's store, which keeps it for `localhost`: what the API receives is the same, and
    // with the longer path it is sent before Ada's own. A __Host- one a page cannot set at all.
    const mallory = await stack.login('mallory', USER_PASSWORD);
    const webappPage = await context.newPage();
    await webappPage.goto(`http://${stack.hostOf(app.slug)}/echo`);
    await webappPage.evaluate((token) => {
      document.cookie = `__Host-behalf_session=${token}; domain=localhost; path=/; secure`;
    }, mallory.token);
    await context.addCookies([{ name: 'behalf_session', value: mallory.token, domain: '.localhost', path: '/api', sameSite: 'Lax' }]);
    const planted = (await context.cookies(`${stack.publicUrl}/api/v1/auth/me`)).filter((c) => c.value === mallory.token);
    expect(planted.map(({ name, path }) => ({ name, path }))).toEqual([{ name: 'behalf_session', path: '/api' }]);
    expect(await me()).toBe('ada');
    await consolePage.reload();
    await consolePage.getByRole('heading', { name: 'My secrets', level: 1 }).waitFor();

    // Signing out clears the __Host- cookies (cleared Secure, as the browser requires); the planted
    // one is still there, and is no session.
    await consolePage.getByRole('button', { name: 'Sign out' }).click();
    await consolePage.waitForURL(/\/login\?reason=signed-out/);
    expect((await context.cookies(stack.publicUrl)).map((c) => c.name).filter((n) => n.startsWith('__Host-'))).toEqual([]);
    expect(await me()).toBe(401);
    await consolePage.goto(`${stack.publicUrl}/me/secrets`);
    await consolePage.waitForURL(/\/login\?next=/);
    await webappPage.close();
    await consolePage.close();
  }, 120_000);

  it('lets no webapp page load the API’s answers, nor the gateway’s own, as resources, though the viewer’s cookies would go along', async () => {
    const { context } = browser;
    const consolePage = await context.newPage();
    await consolePage.goto(`${stack.publicUrl}/me/secrets`);
    await signInOnLoginPage(consolePage, 'ada', USER_PASSWORD, `${stack.publicUrl}/me/secrets`);
    const webappPage = await context.newPage();
    await webappPage.goto(`http://${stack.hostOf(app.slug)}/echo`);
    // A no-cors request carries the viewer's cookies (same-site) and hands the page an opaque
    // answer, which the browser refuses to load when it says Cross-Origin-Resource-Policy:
    // same-origin. So do the gateway's own answers (here another webapp's "not running" page and
    // the gateway's /healthz); another webapp's own answer, which says nothing of the kind and
    // which the gateway leaves as the webapp sent it, loads.
    const loads = (url: string) =>
      webappPage.evaluate(
        (u) =>
          fetch(u, { mode: 'no-cors', credentials: 'include' }).then(
            () => 'loaded',
            (e: Error) => `refused: ${e.name}`,
          ),
        url,
      );
    expect(await loads(`${stack.publicUrl}/api/v1/auth/me`)).toBe('refused: TypeError');
    expect(await loads(`${stack.publicUrl}/api/v1/users/me/secrets`)).toBe('refused: TypeError');
    expect(await loads(`http://${stack.hostOf(idle.slug)}/`)).toBe('refused: TypeError');
    expect(await loads(`http://localhost:${stack.gatewayPort}/healthz`)).toBe('refused: TypeError');
    expect(await loads(`http://${stack.hostOf(other.slug)}/echo`)).toBe('loaded');
    await webappPage.close();
    await consolePage.close();
  }, 120_000);
});
