import { createHash, randomBytes } from 'node:crypto';
import { cookieOf, http, Stack, startStack, stopAll, USER_PASSWORD, websocket, within, World } from '@behalf/testing';
import { startEcho } from './echo';

/** Who gets through the gateway to which webapp, and how the authorization code round trip holds. */
describe('gateway access', () => {
  let stack: Stack;
  let world: World;
  let echo: { url: string };
  let alice: { id: string };
  let bob: { id: string };
  let restricted: { id: string; slug: string };
  let open: { id: string; slug: string };
  let members: { id: string; slug: string };

  beforeAll(async () => {
    stack = await startStack({ BEHALF_GATEWAY_UPSTREAM_TIMEOUT_MS: '1500', BEHALF_GATEWAY_RECHECK_MS: '1000' });
    world = await new World(stack).init();
    echo = await startEcho('one');
    alice = await world.user('alice');
    bob = await world.user('bob');
    open = await world.webapp('Open Board', { access: 'public', identityPropagation: { header: true, jwt: true } });
    members = await world.webapp('Members Board', { access: 'authenticated' });
    restricted = await world.webapp('Secret Board', { access: 'restricted', viewers: { users: [alice.id], groups: [] } });
    for (const w of [open, members, restricted]) await world.run(w.id, echo.url);
    await world.routed(open.slug);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const get = (slug: string, path: string, headers: Record<string, string> = {}) =>
    http(stack.gatewayPort, stack.hostOf(slug), path, { headers: { accept: 'text/html', ...headers } });

  it('lets anyone view a public webapp as Anonymous, without a redirect', async () => {
    const res = await get(open.slug, '/hello');
    expect(res.status).toBe(200);
    const seen = res.json<{ headers: Record<string, string> }>().headers;
    expect(seen['x-behalf-user']).toBe('Anonymous');
    expect(seen['x-behalf-user-id']).toBeUndefined();
    expect(seen['x-behalf-identity']).toMatch(/^eyJ/);
  });

  it('sends a viewer without a session on an authenticated webapp to sign in, with PKCE, and back', async () => {
    const res = await get(members.slug, '/reports?month=11');
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(`${stack.publicUrl}/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'behalf-gateway',
      redirect_uri: `http://${stack.hostOf(members.slug)}/.behalf/callback`,
      code_challenge_method: 'S256',
    });
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = String(res.headers['set-cookie']);
    expect(pending).toMatch(/behalf_gw_auth=.*HttpOnly/);
    expect(pending).toMatch(/; Path=\/;/);
    // An API client gets a problem, not a redirect.
    const api = await get(members.slug, '/data', { accept: 'application/json' });
    expect(api.status).toBe(401);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('walks a viewer with no Behalf session through the login page and back to where they were', async () => {
    const first = await get(members.slug, '/reports?month=11');
    const pending = cookieOf(first.headers['set-cookie'], 'behalf_gw_auth');
    const authorize = new URL(String(first.headers.location));
    const toLogin = await fetch(`http://127.0.0.1:${stack.apiPort}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
    expect(toLogin.status).toBe(303);
    const loginPath = toLogin.headers.get('location')!;
    expect(loginPath).toMatch(/^\/login\?return_to=%2Foauth%2Fauthorize%3F/);
    // The console's login page (its own browser test signs in on it); here, its API call.
    const form = await fetch(`http://127.0.0.1:${stack.apiPort}${loginPath}`);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await form.text()).toContain('<div id="root"></div>');
    const returnTo = new URL(`http://x${loginPath}`).searchParams.get('return_to')!;
    const signedIn = await fetch(`http://127.0.0.1:${stack.apiPort}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'alice', password: USER_PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    const session = cookieOf(signedIn.headers.getSetCookie(), 'behalf_session');
    const approved = await fetch(`http://127.0.0.1:${stack.apiPort}${returnTo}`, { redirect: 'manual', headers: { cookie: `behalf_session=${session}` } });
    const callback = new URL(approved.headers.get('location')!);
    expect(callback.searchParams.get('iss')).toBe(stack.publicUrl);
    const back = await http(stack.gatewayPort, stack.hostOf(members.slug), `${callback.pathname}${callback.search}`, {
      headers: { cookie: `behalf_gw_auth=${pending}` },
    });
    expect(back.status).toBe(302);
    expect(back.headers.location).toBe('/reports?month=11');
    const gatewayCookie = cookieOf(back.headers['set-cookie'], 'behalf_gw')!;
    expect(String(back.headers['set-cookie'])).toMatch(/behalf_gw=bgs_[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
    const page = await get(members.slug, '/reports?month=11', { cookie: `behalf_gw=${gatewayCookie}` });
    expect(page.status).toBe(200);
    expect(page.json<{ url: string; headers: Record<string, string> }>()).toMatchObject({
      url: '/reports?month=11',
      headers: { 'x-behalf-user': 'alice', 'x-behalf-user-id': alice.id },
    });
  });

  it('refuses a viewer a restricted webapp does not list (403 page), and lets them in once listed', async () => {
    const session = await stack.login('bob', USER_PASSWORD);
    const cookie = await world.signIn(restricted.slug, session);
    const refused = await get(restricted.slug, '/', { cookie });
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/text\/html/);
    expect(refused.body).toContain('You may not view this webapp');
    await stack.call('PATCH', `/api/v1/webapps/${restricted.id}/settings`, { viewers: { users: [alice.id, bob.id], groups: [] } }, world.admin);
    await within(3000, async () => (await get(restricted.slug, '/', { cookie })).status === 200);
    await stack.call('PATCH', `/api/v1/webapps/${restricted.id}/settings`, { viewers: { users: [alice.id], groups: [] } }, world.admin);
    await within(3000, async () => (await get(restricted.slug, '/', { cookie })).status === 403);
  });

  describe('the authorization code grant', () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = () => `http://${stack.hostOf(members.slug)}/.behalf/callback`;
    const authorizeUrl = (params: Record<string, string>) =>
      `http://127.0.0.1:${stack.apiPort}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: 'behalf-gateway',
        redirect_uri: redirectUri(),
        state: 's1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...params,
      })}`;
    const code = async (params: Record<string, string> = {}) => {
      const session = await stack.login('alice', USER_PASSWORD);
      const res = await fetch(authorizeUrl(params), { redirect: 'manual', headers: { cookie: `behalf_session=${session.token}` } });
      return { res, code: new URL(res.headers.get('location') ?? 'http://x').searchParams.get('code') };
    };
    const redeem = (form: Record<string, string>, key = stack.apiKey) =>
      fetch(`http://127.0.0.1:${stack.apiPort}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`behalf-gateway:${key}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'authorization_code', redirect_uri: redirectUri(), code_verifier: verifier, ...form }).toString(),
      });

    it('is in discovery', async () => {
      const doc = await (await fetch(`http://127.0.0.1:${stack.apiPort}/.well-known/openid-configuration`)).json();
      expect(doc).toMatchObject({ authorization_endpoint: `${stack.publicUrl}/oauth/authorize`, code_challenge_methods_supported: ['S256'] });
    });

    it('requires PKCE with S256, and a verifier that matches', async () => {
      for (const [params, error] of [
        [{ code_challenge: '' }, /code_challenge is required/],
        [{ code_challenge_method: 'plain' }, /S256/],
      ] as const) {
        const { res } = await code(params);
        const back = new URL(res.headers.get('location')!);
        expect(back.searchParams.get('error')).toBe('invalid_request');
        expect(back.searchParams.get('error_description')).toMatch(error);
        expect(back.searchParams.get('code')).toBeNull();
      }
      const issued = await code();
      const wrong = await redeem({ code: issued.code!, code_verifier: randomBytes(32).toString('base64url') });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
      // The code was spent on the wrong verifier.
      expect((await redeem({ code: issued.code! })).status).toBe(400);
    });

    it('redeems a code once; a replay fails and revokes the session it gave', async () => {
      const issued = await code();
      const first = await redeem({ code: issued.code! });
      expect(first.status).toBe(200);
      const token = (await first.json()) as { access_token: string; token_type: string };
      expect(token).toMatchObject({ token_type: 'Bearer', access_token: expect.stringMatching(/^bgs_/) });
      const cookie = `behalf_gw=${token.access_token}`;
      expect((await get(members.slug, '/', { cookie })).status).toBe(200);
      const replay = await redeem({ code: issued.code! });
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
      await within(3000, async () => (await get(members.slug, '/', { cookie })).status === 302);
      // Recorded, saying what it revoked (the last such record: an earlier test replayed a spent code too); never the code itself.
      const records = await stack.sql<{ outcome: string; details: { revokedSessions: number } }>(
        `SELECT outcome, details FROM audit_events WHERE action = 'oauth.code.redeem' AND reason = 'code_reused' ORDER BY id DESC LIMIT 1`,
      );
      expect(records).toEqual([{ outcome: 'denied', details: { revokedSessions: 1 } }]);
      const everything = JSON.stringify(await stack.sql(`SELECT * FROM audit_events`));
      expect(everything).not.toContain(issued.code!);
      expect(everything).not.toContain(token.access_token);
    });

    it('lets a code live a minute at most', async () => {
      const issued = await code();
      const hash = createHash('sha256').update(issued.code!).digest('hex');
      const [row] = await stack.sql<{ lifetime: number }>(
        `SELECT extract(epoch FROM expires_at - created_at)::int AS lifetime FROM authorization_codes WHERE code_hash = $1`,
        [hash],
      );
      expect(row.lifetime).toBe(60);
      await stack.sql(`UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE code_hash = $1`, [hash]);
      const res = await redeem({ code: issued.code! });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('gives codes only to the gateway, authenticated by its key', async () => {
      const issued = await code();
      const admin = await stack.call<{ key: string }>('POST', '/api/v1/api-keys', { name: 'not the gateway' }, world.admin);
      const res = await redeem({ code: issued.code! }, admin.body.key);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
      const wrongRedirect = await redeem({ code: (await code()).code!, redirect_uri: `http://${stack.hostOf(open.slug)}/.behalf/callback` });
      expect(await wrongRedirect.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('redirects only to webapp origins, and shows a page rather than redirect anywhere else', async () => {
      for (const uri of [
        'http://evil.example/.behalf/callback',
        `http://${stack.hostOf(members.slug)}/elsewhere`,
        `http://${stack.hostOf('no-such-webapp')}/.behalf/callback`,
        `https://${stack.hostOf(members.slug)}/.behalf/callback`,
        `http://${stack.hostOf(members.slug)}/.behalf/callback?x=1`,
        `http://localhost:${stack.apiPort}/.behalf/callback`,
      ]) {
        const { res } = await code({ redirect_uri: uri });
        expect(res.status).toBe(400);
        expect(res.headers.get('location')).toBeNull();
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
      }
      const unknownClient = await code({ client_id: 'someone' });
      expect(unknownClient.res.status).toBe(400);
    });

    // The login step's own rule (only an /oauth/authorize request on Behalf) is the console's:
    // apps/web/src/app/return-to.spec.ts and its browser test.
    it('never lets the gateway redirect off-site', async () => {
      for (const path of ['//evil.example/x', '/\\evil.example/x']) {
        const res = await get(members.slug, path);
        if (res.status === 302) {
          const authorize = new URL(String(res.headers.location));
          expect(authorize.origin).toBe(stack.publicUrl);
        } else {
          expect(res.status).toBeLessThan(500);
        }
      }
      // A forged or missing sign-in cookie at the callback is refused.
      const forged = await http(stack.gatewayPort, stack.hostOf(members.slug), '/.behalf/callback?code=x&state=s1', {
        headers: { cookie: 'behalf_gw_auth=e30.forged' },
      });
      expect(forged.status).toBe(400);
    });
  });

  it('refuses a gateway session once its Behalf session logs out, within 5 s', async () => {
    const session = await stack.login('alice', USER_PASSWORD);
    const cookie = await world.signIn(members.slug, session);
    expect((await get(members.slug, '/', { cookie })).status).toBe(200);
    const loggedOut = await stack.call('POST', '/api/v1/auth/logout', undefined, session);
    expect(loggedOut.status).toBe(204);
    const took = await within(5000, async () => (await get(members.slug, '/', { cookie })).status === 302);
    expect(took).toBeLessThan(5000);
  });

  it('treats a dead gateway session on a public webapp as Anonymous, over HTTP and websockets, and drops its cookie', async () => {
    const app = await world.webapp('Switch Board', { access: 'authenticated', identityPropagation: { header: true, jwt: true } });
    await world.run(app.id, echo.url);
    const session = await stack.login('alice', USER_PASSWORD);
    const cookie = await world.signIn(app.slug, session);
    await within(1000, async () => (await get(app.slug, '/who', { cookie })).status === 200);
    expect((await get(app.slug, '/who', { cookie })).json<{ headers: Record<string, string> }>().headers['x-behalf-user']).toBe('alice');
    expect((await stack.call('PATCH', `/api/v1/webapps/${app.id}/settings`, { access: 'public' }, world.admin)).status).toBe(200);
    expect((await stack.call('POST', '/api/v1/auth/logout', undefined, session)).status).toBe(204);
    // No sign-in for a public webapp: the viewer is Anonymous, and the dead cookie is cleared.
    const anonymous = async () => {
      const answer = await get(app.slug, '/who', { cookie });
      return answer.status === 200 && answer.json<{ headers: Record<string, string> }>().headers['x-behalf-user'] === 'Anonymous';
    };
    await within(5000, anonymous);
    const res = await get(app.slug, '/who', { cookie });
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/behalf_gw=;.*Max-Age=0/);
    const ws = websocket(stack.gatewayPort, stack.hostOf(app.slug), '/ws', [], { cookie });
    const hello = await new Promise<string>((resolveHello, reject) => {
      ws.once('message', (data) => resolveHello(String(data)));
      ws.once('error', reject);
    });
    expect(JSON.parse(hello)).toMatchObject({ headers: { 'x-behalf-user': 'Anonymous' } });
    ws.close();
  });

  it('answers 503 when the run stops, and routes to a new run elsewhere, each within a second', async () => {
    const app = await world.webapp('Moving Board', { access: 'public' });
    const first = await world.run(app.id, echo.url);
    // A new webapp's first run is routed within a second.
    await within(1000, async () => (await get(app.slug, '/where')).status === 200);
    expect((await get(app.slug, '/where')).json()).toMatchObject({ upstream: 'one' });
    const stopped = await stack.call('DELETE', `/api/v1/webapps/${app.id}/runs/${first.runId}`, undefined, world.admin);
    expect(stopped.status).toBe(204);
    await within(1000, async () => (await get(app.slug, '/where')).status === 503);
    const page = await get(app.slug, '/where');
    expect(page.body).toContain('not running');
    expect((await get(app.slug, '/where', { accept: 'application/json' })).headers['content-type']).toMatch(/problem\+json/);
    const elsewhere = await startEcho('two');
    await world.run(app.id, elsewhere.url);
    await within(1000, async () => (await get(app.slug, '/where')).status === 200);
    expect((await get(app.slug, '/where')).json()).toMatchObject({ upstream: 'two' });
  });

  it('answers 502 when the upstream is down and 504 when it is too slow, as pages or problems', async () => {
    const down = await world.webapp('Down Board', { access: 'public' });
    await world.run(down.id, 'http://127.0.0.1:9');
    await within(1000, async () => (await get(down.slug, '/')).status === 502);
    expect((await get(down.slug, '/', { accept: 'application/json' })).json()).toMatchObject({ status: 502, type: expect.stringMatching(/bad-gateway$/) });
    const slow = await get(open.slug, '/slow?ms=4000');
    expect(slow.status).toBe(504);
    expect(slow.headers['content-type']).toMatch(/text\/html/);
  });

  it('heads each answer of its own no-store, nosniff and same-origin, and leaves a webapp’s answers as the webapp sent them', async () => {
    const own = {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin',
    };
    const gatewayHost = `127.0.0.1:${stack.gatewayPort}`;
    const answers = {
      signInRedirect: await get(members.slug, '/reports'),
      signInProblem: await get(members.slug, '/reports', { accept: 'application/json' }),
      callbackRefused: await get(members.slug, '/.behalf/callback?state=forged&code=forged'),
      signedOut: await get(open.slug, '/.behalf/signout'),
      noSuchWebapp: await get('no-such-board', '/'),
      healthz: await http(stack.gatewayPort, gatewayHost, '/healthz'),
      readyz: await http(stack.gatewayPort, gatewayHost, '/readyz'),
      metrics: await http(stack.gatewayPort, gatewayHost, '/metrics'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([name, res]) => [name, res.status]))).toEqual({
      signInRedirect: 302,
      signInProblem: 401,
      callbackRefused: 400,
      signedOut: 401,
      noSuchWebapp: 404,
      healthz: 200,
      readyz: 200,
      metrics: 200,
    });
    for (const [name, res] of Object.entries(answers)) expect({ name, headers: res.headers }).toEqual({ name, headers: expect.objectContaining(own) });
    // A websocket handshake refused before the upgrade, on its raw socket.
    const refused = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const ws = websocket(stack.gatewayPort, stack.hostOf(restricted.slug), '/ws', [], {});
      ws.once('unexpected-response', (_req, res) => resolve({ status: String(res.statusCode), ...res.headers }));
      ws.once('open', () => reject(new Error('the handshake was accepted')));
    });
    expect(refused).toMatchObject({ status: '401', ...own });
    // The webapp's own answer: none of these unless the webapp says so.
    const proxied = await get(open.slug, '/hello');
    expect(proxied.status).toBe(200);
    expect(proxied.headers['cross-origin-resource-policy']).toBeUndefined();
    expect(proxied.headers['x-content-type-options']).toBeUndefined();
    expect(proxied.headers['cache-control']).toBeUndefined();
  });

  it('counts requests and upstream latency per webapp on /metrics', async () => {
    await get(open.slug, '/counted');
    const res = await http(stack.gatewayPort, `127.0.0.1:${stack.gatewayPort}`, '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toMatch(new RegExp(`behalf_gateway_requests_total\\{webapp="${open.slug}",status_class="2xx"\\} \\d+`));
    expect(res.body).toMatch(new RegExp(`behalf_gateway_upstream_duration_seconds_count\\{webapp="${open.slug}"\\} \\d+`));
    expect(res.body).toMatch(/behalf_gateway_requests_total\{webapp="down-board",status_class="5xx"\}/);
  });
});
