import { createRemoteJWKSet, jwtVerify } from 'jose';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type WebSocket from 'ws';
import { http, Stack, startStack, stopAll, USER_PASSWORD, websocket, within, World } from '@behalf/testing';
import { startEcho } from './echo';

/** A client's headers in every spelling a backend might read as an identity. */
const FORGED = [
  'X-Behalf-User',
  'mallory',
  'x-behalf-user',
  'mallory',
  'X_Behalf_User',
  'mallory',
  'X-BEHALF-USER-ID',
  '00000000-0000-4000-8000-000000000000',
  'X-Behalf-Groups',
  'admins',
  'X-Behalf-Email',
  'mallory@evil.example',
  'X-Behalf-Identity',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.',
  'X-Forwarded-User',
  'mallory',
  'X_Forwarded_User',
  'mallory',
  'x-forwarded-email',
  'mallory@evil.example',
  'X_FORWARDED_EMAIL',
  'mallory@evil.example',
  'X-Forwarded-Groups',
  'admins',
  'X-Forwarded-Preferred-Username',
  'root',
  'X-Forwarded-Access-Token',
  'stolen',
  'X-Auth-Request-User',
  'root',
  'x_auth_request_email',
  'root@evil.example',
  'Remote-User',
  'root',
  'REMOTE_USER',
  'root',
  'X-Forwarded-For',
  '6.6.6.6',
  'Forwarded',
  'for=6.6.6.6',
  'X-Request-Id',
  'forged-id',
];
const IDENTITY_LIKE = /^(x-behalf-|x-forwarded-(user|email|groups|preferred-username|access-token)$|x-auth-request-|remote-user$)/;

describe('gateway: what the backend receives', () => {
  let stack: Stack;
  let world: World;
  let app: { id: string; slug: string };
  let alice: { id: string };
  let cookie: string;
  let backendToken: string;

  beforeAll(async () => {
    stack = await startStack({ BEHALF_GATEWAY_BODY_LIMIT: String(1024 * 1024), BEHALF_GATEWAY_RECHECK_MS: '1000' });
    world = await new World(stack).init();
    const echo = await startEcho('echo');
    alice = await world.user('alice');
    const team = await world.group('data team', [alice.id]);
    app = await world.webapp('Team Board', {
      access: 'restricted',
      viewers: { users: [], groups: [team.id] },
      identityPropagation: { header: true, jwt: true },
    });
    backendToken = (await world.run(app.id, echo.url)).backendToken;
    cookie = await world.signIn(app.slug, await stack.login('alice', USER_PASSWORD));
    await world.routed(app.slug, cookie);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await stopAll();
  });

  const seen = async (headers: string[]) => {
    const res = await http(stack.gatewayPort, stack.hostOf(app.slug), '/echo', { headers: ['Cookie', cookie, ...headers] });
    expect(res.status).toBe(200);
    return res.json<{ headers: Record<string, string>; rawHeaders: string[] }>();
  };

  it('removes every forged identity header, in every spelling, and says who really views', async () => {
    const got = await seen(FORGED);
    const raw = got.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replace(/_/g, '-'));
    // Each identity-like name arrives once, as the gateway set it.
    const identityNames = raw.filter((n) => IDENTITY_LIKE.test(n));
    expect(identityNames.sort()).toEqual(['x-behalf-email', 'x-behalf-groups', 'x-behalf-identity', 'x-behalf-user', 'x-behalf-user-id']);
    expect(got.headers).toMatchObject({
      'x-behalf-user': 'alice',
      'x-behalf-user-id': alice.id,
      'x-behalf-groups': 'data%20team',
      'x-behalf-email': 'alice@example.com',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': stack.hostOf(app.slug),
    });
    expect(got.headers['x-request-id']).not.toBe('forged-id');
    expect(JSON.stringify(got)).not.toContain('mallory');
    expect(JSON.stringify(got)).not.toContain('6.6.6.6');
  });

  it('replaces a forged X-Behalf-Identity with a real identity token that auth-info accepts', async () => {
    const got = await seen(FORGED);
    const token = got.headers['x-behalf-identity'];
    const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${stack.apiPort}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: stack.publicUrl,
      audience: `webapp:${app.id}`,
      algorithms: ['EdDSA'],
      typ: 'behalf-id+jwt',
    });
    expect(payload).toMatchObject({ sub: alice.id, preferred_username: 'alice', groups: ['data team'] });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    const info = await stack.call('POST', '/api/v1/runtime/auth-info', { headers: { 'X-Behalf-Identity': token } }, backendToken);
    expect(info).toMatchObject({ status: 200, body: { authIdentifier: 'alice', userId: alice.id } });
    // The same token again: cached, not one per request.
    expect((await seen([])).headers['x-behalf-identity']).toBe(token);
  });

  it('never hands the backend a Behalf credential: cookies or Authorization', async () => {
    const session = await stack.login('alice', USER_PASSWORD);
    const got = await seen(['Cookie', `behalf_session=${session.token}; behalf_csrf=${session.csrf}; theme=dark`, 'Authorization', `Bearer ${stack.apiKey}`]);
    expect(got.headers.cookie).toBe('theme=dark');
    expect(got.headers.authorization).toBeUndefined();
    expect(JSON.stringify(got)).not.toContain(session.token);
    expect(JSON.stringify(got)).not.toContain(cookie.split('=')[1]);
    const own = await seen(['Authorization', 'Basic dXNlcjpwYXNz']);
    expect(own.headers.authorization).toBe('Basic dXNlcjpwYXNz');
  });

  it('keeps hop-by-hop headers to their own hop, both ways', async () => {
    const got = await seen(['Connection', 'keep-alive, X-Trace', 'X-Trace', 'for-the-gateway', 'X-Kept', 'end-to-end']);
    expect(got.headers['x-trace']).toBeUndefined();
    expect(got.headers['x-kept']).toBe('end-to-end');
    const res = await http(stack.gatewayPort, stack.hostOf(app.slug), '/hop', { headers: ['Cookie', cookie, 'Connection', 'keep-alive'] });
    expect(res.status).toBe(200);
    expect(res.headers['x-kept']).toBe('end-to-end');
    expect(res.headers['x-hop']).toBeUndefined();
    // The upstream closing its connection does not close the viewer's.
    expect(res.headers.connection).toBe('keep-alive');
  });

  it('keeps a backend from planting the gateway’s cookie', async () => {
    const res = await http(stack.gatewayPort, stack.hostOf(app.slug), '/set-cookie', { headers: { cookie } });
    expect(res.headers['set-cookie']).toEqual(['theme=dark; Path=/']);
  });

  it('streams server-sent events as they come, without buffering', async () => {
    const started = Date.now();
    const firstEvent = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: stack.gatewayPort, path: '/sse', headers: { host: stack.hostOf(app.slug), cookie }, setHost: false },
        (res: IncomingMessage) => {
          res.once('data', () => resolve(Date.now() - started));
          res.resume();
        },
      );
      req.on('error', reject);
      req.end();
    });
    // Five events 300 ms apart: the first arrives long before the stream ends.
    expect(firstEvent).toBeLessThan(1000);
  });

  it('streams uploads to the webapp, and refuses one over the size limit', async () => {
    const body = Buffer.alloc(512 * 1024, 'a');
    const ok = await http(stack.gatewayPort, stack.hostOf(app.slug), '/upload', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/octet-stream' },
      body,
    });
    expect(ok.json()).toMatchObject({ bytes: body.length });
    // As curl sends any body over 1 KiB: Expect: 100-continue.
    const continued = await http(stack.gatewayPort, stack.hostOf(app.slug), '/upload', {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain', expect: '100-continue' },
      body: 'x'.repeat(4096),
    });
    expect(continued.status).toBe(200);
    expect(continued.json()).toMatchObject({ bytes: 4096 });
    // Announced over the limit: refused before the body is read (the answer comes while the client still sends).
    const big = await new Promise<string>((resolve, reject) => {
      const socket = connect(stack.gatewayPort, '127.0.0.1', () => {
        socket.write(
          `POST /upload HTTP/1.1\r\nHost: ${stack.hostOf(app.slug)}\r\nCookie: ${cookie}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
        );
        socket.write(Buffer.alloc(10 * 1024));
      });
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString();
        if (answer.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(answer);
        }
      });
      socket.on('error', reject);
    });
    expect(big).toMatch(/^HTTP\/1\.1 413 /);
    // Chunked, with no length announced: cut at the limit.
    const chunked = await new Promise<number>((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: stack.gatewayPort,
          path: '/upload',
          method: 'POST',
          headers: { host: stack.hostOf(app.slug), cookie, 'content-type': 'application/octet-stream' },
          setHost: false,
        },
        (res: IncomingMessage) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(-1));
      for (let i = 0; i < 24; i += 1) req.write(Buffer.alloc(100 * 1024));
      req.end();
    });
    expect([413, -1]).toContain(chunked);
    // That connection is not handed back for reuse half-read: the next request on the client's pool works.
    expect((await http(stack.gatewayPort, stack.hostOf(app.slug), '/after-upload', { headers: { cookie } })).status).toBe(200);
  });

  describe('websockets', () => {
    const connect = (headers: Record<string, string>, protocols = ['streamlit', 'PLACEHOLDER_AUTH_TOKEN', 'xsrf-token']) => {
      const ws = websocket(stack.gatewayPort, stack.hostOf(app.slug), '/_stcore/stream', protocols, headers);
      const messages: string[] = [];
      ws.on('message', (data) => messages.push(data.toString()));
      const opened = new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
        ws.once('error', reject);
      });
      const closed = new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() })));
      return { ws, messages, opened, closed };
    };
    const first = async (messages: string[]) => {
      await within(3000, async () => messages.length > 0);
      return JSON.parse(messages[0]) as { protocol: string; headers: Record<string, string>; rawHeaders: string[] };
    };

    it('passes every subprotocol and strips forged headers from the handshake, injecting the identity', async () => {
      const forged = Object.fromEntries(FORGED.reduce<[string, string][]>((pairs, v, i) => (i % 2 === 0 ? [...pairs, [v, FORGED[i + 1]]] : pairs), []));
      const c = connect({ ...forged, cookie: `${cookie}; behalf_session=stolen`, origin: `http://${stack.hostOf(app.slug)}` });
      await c.opened;
      // The upstream picks the last one offered: all three reached it.
      expect(c.ws.protocol).toBe('xsrf-token');
      const hello = await first(c.messages);
      expect(hello.headers).toMatchObject({
        'x-behalf-user': 'alice',
        'x-behalf-user-id': alice.id,
        host: stack.hostOf(app.slug),
        origin: `http://${stack.hostOf(app.slug)}`,
      });
      expect(hello.headers['sec-websocket-protocol'].split(',').map((p) => p.trim())).toEqual(['streamlit', 'PLACEHOLDER_AUTH_TOKEN', 'xsrf-token']);
      expect(hello.headers.cookie).toBeUndefined();
      expect(JSON.stringify(hello)).not.toContain('mallory');
      expect(JSON.stringify(hello)).not.toContain('stolen');
      c.ws.send('round trip');
      await within(3000, async () => c.messages.includes('round trip'));
      c.ws.close();
      await c.closed;
    });

    it('refuses a handshake without a session', async () => {
      const c = connect({});
      await expect(c.opened).rejects.toThrow(/401/);
    });

    it('closes a websocket within 5 s of its viewer leaving the restricted viewers (4403), and refuses their next request', async () => {
      const bob = await world.user('bob');
      await stack.call(
        'PATCH',
        `/api/v1/webapps/${app.id}/settings`,
        {
          viewers: {
            users: [bob.id],
            groups: (await stack.sql<{ group_id: string }>('SELECT group_id::text FROM webapp_viewer_groups')).map((r) => r.group_id),
          },
        },
        world.admin,
      );
      const bobCookie = await world.signIn(app.slug, await stack.login('bob', USER_PASSWORD));
      const c = connect({ cookie: bobCookie });
      await c.opened;
      const removedAt = Date.now();
      await stack.call(
        'PATCH',
        `/api/v1/webapps/${app.id}/settings`,
        { viewers: { users: [], groups: (await stack.sql<{ group_id: string }>('SELECT group_id::text FROM webapp_viewer_groups')).map((r) => r.group_id) } },
        world.admin,
      );
      const { code, at } = await c.closed;
      expect(code).toBe(4403);
      expect(at - removedAt).toBeLessThan(5000);
      expect((await http(stack.gatewayPort, stack.hostOf(app.slug), '/', { headers: { cookie: bobCookie } })).status).toBe(403);
    });

    it('closes a websocket within 5 s of its viewer being disabled (4401), and refuses their next request', async () => {
      const carol = await world.user('carol');
      await stack.call(
        'PUT',
        `/api/v1/groups/${(await stack.sql<{ group_id: string }>('SELECT group_id::text FROM webapp_viewer_groups'))[0].group_id}/members/${carol.id}`,
        undefined,
        world.admin,
      );
      const carolCookie = await world.signIn(app.slug, await stack.login('carol', USER_PASSWORD));
      const c = connect({ cookie: carolCookie });
      await c.opened;
      const disabledAt = Date.now();
      expect((await stack.call('PATCH', `/api/v1/users/${carol.id}`, { status: 'disabled' }, world.admin)).status).toBe(200);
      const { code, at } = await c.closed;
      expect(code).toBe(4401);
      expect(at - disabledAt).toBeLessThan(5000);
      const next = await http(stack.gatewayPort, stack.hostOf(app.slug), '/', { headers: { cookie: carolCookie, accept: 'text/html' } });
      expect(next.status).toBe(302);
    });

    it('keeps an idle websocket open (no idle cut by the gateway)', async () => {
      const c = connect({ cookie });
      await c.opened;
      let closed = false;
      void c.closed.then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 6000));
      expect(closed).toBe(false);
      c.ws.send('still here');
      await within(3000, async () => c.messages.includes('still here'));
      (c.ws as WebSocket).close();
      await c.closed;
    });
  });
});
