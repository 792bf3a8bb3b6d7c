import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  AnonymousViewerError,
  behalfExpress,
  behalfFastify,
  BehalfRuntime,
  IdentityMissingError,
  InvalidIdentityError,
  ViewerForbiddenError,
  ViewerUnauthenticatedError,
  Viewer,
} from '../src';
import { BOB, fakeWorld, json, Keys, newRuntime, OTHER_WEBAPP, WEBAPP } from './fake-behalf';

const NOW = 1_900_000_000;

const setUp = () => fakeWorld(NOW);

const refusal = (runtime: BehalfRuntime, token: string) =>
  runtime.viewer({ headers: { 'x-behalf-identity': token } }).catch((e: unknown) => e as InvalidIdentityError);

describe('viewer(): the gateway’s identity token, verified locally', () => {
  it('answers who views from a valid token, with no API call, whatever the header’s case', async () => {
    const { keys, behalf, runtime } = await setUp();
    const viewer = await runtime.viewer({ headers: { 'X-Behalf-Identity': await keys.identity(NOW) } });
    expect(viewer).toEqual({ login: 'bob', userId: BOB, displayName: 'Bob B.', email: 'bob@example.com', groups: ['sales'], anonymous: false });
    expect(JSON.stringify(viewer)).not.toContain('eyJ');
    expect(behalf.calls).toHaveLength(0);
    // A Fetch API Headers object works too.
    expect((await runtime.viewer(new Headers({ 'x-behalf-identity': await keys.identity(NOW) }))).login).toBe('bob');
  });

  it('answers the anonymous viewer of a public webapp, whom asViewer refuses', async () => {
    const { keys, runtime } = await setUp();
    const token = await keys.identity(NOW, { sub: 'anonymous', preferred_username: 'Anonymous', groups: [], name: undefined, email: undefined });
    const viewer = await runtime.viewer({ headers: { 'x-behalf-identity': token } });
    expect(viewer).toEqual({ login: 'Anonymous', userId: null, displayName: 'Anonymous', email: null, groups: [], anonymous: true });
    await expect(runtime.asViewer(viewer, () => 1)).rejects.toBeInstanceOf(AnonymousViewerError);
  });

  it('refuses a forged token: signed by a key that is not Behalf’s, even with Behalf’s kid', async () => {
    const { runtime } = await setUp();
    const forger = await Keys.make('k1');
    expect(await refusal(runtime, await forger.identity(NOW))).toMatchObject({ reason: 'signature', status: 401, code: 'identity_signature' });
  });

  it('refuses an unsigned (alg none) or HMAC token whose secret is the public key', async () => {
    const { keys, runtime } = await setUp();
    const good = await keys.identity(NOW);
    const [, payload] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'behalf-id+jwt', kid: 'k1' })).toString('base64url')}.${payload}.`;
    expect(await refusal(runtime, none)).toBeInstanceOf(InvalidIdentityError);
    const x = (keys.jwks.keys[0] as unknown as { x: string }).x;
    const hmac = await new SignJWT(JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256', typ: 'behalf-id+jwt', kid: 'k1' })
      .sign(Buffer.from(x));
    expect(await refusal(runtime, hmac)).toMatchObject({ reason: 'algorithm' });
  });

  it('refuses an expired token (beyond 30 s of skew) and one not yet valid, and accepts within the tolerance', async () => {
    const { keys, runtime, clock } = await setUp();
    const token = await keys.identity(NOW, {}, 300);
    clock.advance(300 + 29);
    expect((await runtime.viewer({ headers: { 'x-behalf-identity': token } })).login).toBe('bob');
    clock.advance(2);
    expect(await refusal(runtime, token)).toMatchObject({ reason: 'expired', status: 401 });
    expect(await refusal(runtime, await keys.identity(NOW + 3600))).toMatchObject({ reason: 'not_yet_valid' });
  });

  it('refuses a token issued for another webapp with 403, and one of another kind (a backend or access token)', async () => {
    const { keys, runtime } = await setUp();
    expect(await refusal(runtime, await keys.identity(NOW, { aud: `webapp:${OTHER_WEBAPP}` }))).toMatchObject({ reason: 'audience', status: 403 });
    expect(await refusal(runtime, await keys.identity(NOW, {}, 300, 'at+jwt'))).toMatchObject({ reason: 'type' });
    expect(await refusal(runtime, await keys.backend(NOW))).toMatchObject({ reason: 'type' });
    expect(await refusal(runtime, await keys.identity(NOW, { groups: 'sales' }))).toMatchObject({ reason: 'claims' });
    expect(await refusal(runtime, 'not.a.token')).toMatchObject({ reason: 'malformed' });
  });

  it('refuses a token from another issuer signed with Behalf’s key', async () => {
    const { keys, runtime } = await setUp();
    const token = await new SignJWT({ sub: BOB, aud: `webapp:${WEBAPP}`, preferred_username: 'bob', groups: [] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'behalf-id+jwt', kid: 'k1' })
      .setIssuer('http://evil.test')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 300)
      .setJti('j')
      .sign(keys.privateKey);
    expect(await refusal(runtime, token)).toMatchObject({ reason: 'issuer' });
  });

  it('with no identity header and no session, throws IdentityMissingError; with a session cookie, asks Behalf (auth info)', async () => {
    const { runtime, behalf } = await setUp();
    await expect(runtime.viewer({ headers: { cookie: 'other=1', 'x-behalf-user': 'admin' } })).rejects.toBeInstanceOf(IdentityMissingError);
    behalf.on('/api/v1/runtime/auth-info', () =>
      json(200, { authIdentifier: 'bob', userId: BOB, displayName: 'Bob B.', email: null, groups: ['sales'], anonymous: false }),
    );
    const viewer = await runtime.viewer({ headers: { cookie: 'behalf_session=s3cret; theme=dark', 'x-other': 'kept home' } });
    expect(viewer.login).toBe('bob');
    const sent = JSON.parse(behalf.callsTo('/api/v1/runtime/auth-info')[0].body) as { headers: Record<string, string[]> };
    // Only what names the viewer leaves the webapp.
    expect(sent).toEqual({ headers: { cookie: ['behalf_session=s3cret; theme=dark'] }, withSecrets: false });
    // Where Behalf's cookies are Secure, the session cookie is __Host-behalf_session.
    await runtime.viewer({ headers: { cookie: '__Host-behalf_session=s3cret' } });
    const secure = JSON.parse(behalf.callsTo('/api/v1/runtime/auth-info')[1].body) as { headers: Record<string, string[]> };
    expect(secure.headers.cookie).toEqual(['__Host-behalf_session=s3cret']);
  });
});

describe('authInfo(): the DSS-style call', () => {
  it('answers secrets as a Map, and the names still waiting for consent', async () => {
    const { keys, runtime, behalf } = await setUp();
    behalf.on('/api/v1/runtime/auth-info', () =>
      json(200, {
        authIdentifier: 'bob',
        userId: BOB,
        displayName: 'Bob B.',
        email: null,
        groups: [],
        anonymous: false,
        secrets: [{ name: 'warehouse', value: 'pw-1' }],
        secretsWithoutConsent: ['s3'],
      }),
    );
    const info = await runtime.authInfo({ headers: { 'x-behalf-identity': await keys.identity(NOW) } }, { withSecrets: true });
    expect(info.secrets).toEqual(new Map([['warehouse', 'pw-1']]));
    expect(info.secretsWithoutConsent).toEqual(['s3']);
    expect(info.viewer.login).toBe('bob');
    const call = behalf.callsTo('/api/v1/runtime/auth-info')[0];
    expect(JSON.parse(call.body)).toMatchObject({ withSecrets: true });
    expect(call.headers.get('authorization')).toMatch(/^Bearer ey/);
  });

  it('maps the API’s viewer refusals to typed errors', async () => {
    const { keys, runtime, behalf } = await setUp();
    const headers = { 'x-behalf-identity': await keys.identity(NOW) };
    behalf.on('/api/v1/runtime/auth-info', () =>
      json(401, { type: 'https://behalf.dev/problems/viewer-unauthenticated', title: 'Viewer not authenticated', status: 401, detail: 'expired' }),
    );
    await expect(runtime.authInfo({ headers })).rejects.toBeInstanceOf(ViewerUnauthenticatedError);
    behalf.on('/api/v1/runtime/auth-info', () =>
      json(403, { type: 'https://behalf.dev/problems/viewer-forbidden', title: 'Viewer may not view this webapp', status: 403, detail: 'restricted' }),
    );
    await expect(runtime.authInfo({ headers })).rejects.toMatchObject({ constructor: ViewerForbiddenError, status: 403, code: 'viewer-forbidden' });
  });
});

describe('middleware', () => {
  function response() {
    const res = { statusCode: 0, contentType: '', body: '' };
    const api = {
      status: (code: number) => ((res.statusCode = code), api),
      code: (code: number) => ((res.statusCode = code), api),
      type: (value: string) => ((res.contentType = value), api),
      send: (body: string) => ((res.body = body), api),
    };
    return { res, api };
  }

  it('Express: puts req.viewer and req.behalf on the request, or answers a 401/403 problem', async () => {
    const { keys, runtime } = await setUp();
    const middleware = behalfExpress(runtime);
    const req: Record<string, unknown> & { headers: Record<string, string> } = { headers: { 'x-behalf-identity': await keys.identity(NOW) } };
    await new Promise<void>((done) => middleware(req, response().api, () => done()));
    expect(req.viewer).toMatchObject({ login: 'bob' });
    expect((req.behalf as { viewer: unknown }).viewer).toBe(req.viewer);

    for (const [headers, status, code] of [
      [{}, 401, 'identity_missing'],
      [{ 'x-behalf-identity': await (await Keys.make()).identity(NOW) }, 401, 'identity_signature'],
      [{ 'x-behalf-identity': await keys.identity(NOW, { aud: `webapp:${OTHER_WEBAPP}` }) }, 403, 'identity_audience'],
    ] as const) {
      const { res, api } = response();
      const next = jest.fn();
      // Settles when the middleware answers or hands on, whichever it does: no timing guess.
      await new Promise<void>((settled) => {
        const send = api.send;
        api.send = (body: string) => (settled(), send(body));
        next.mockImplementation(() => settled());
        middleware({ headers }, api, next);
      });
      expect(next).not.toHaveBeenCalled();
      expect(res.statusCode).toBe(status);
      expect(res.contentType).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status, code });
    }
  });

  it('Fastify: the same as an onRequest hook, and allowAnonymous: false turns the anonymous viewer away', async () => {
    const { keys, runtime } = await setUp();
    const hook = behalfFastify(runtime, { allowAnonymous: false });
    const anonymous = await keys.identity(NOW, { sub: 'anonymous', preferred_username: 'Anonymous', groups: [] });
    const { res, api } = response();
    await hook({ headers: { 'x-behalf-identity': anonymous } }, api);
    expect(res.statusCode).toBe(401);
    const request: { headers: Record<string, string>; viewer?: Viewer } = { headers: { 'x-behalf-identity': await keys.identity(NOW) } };
    await hook(request, response().api);
    expect(request.viewer?.login).toBe('bob');
  });
});

describe('keys', () => {
  it('finds the signing key by kid among several (rotation), and refuses an unknown kid as a bad signature', async () => {
    const { keys, clock, behalf } = await setUp();
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k0', alg: 'EdDSA' }, ...keys.jwks.keys] };
    const runtime = newRuntime({ keys, behalf, clock, backendToken: await keys.backend(NOW), jwks: jwks as never });
    expect((await runtime.viewer({ headers: { 'x-behalf-identity': await keys.identity(NOW) } })).login).toBe('bob');
    const unknown = await keys.sign(
      'behalf-id+jwt',
      { sub: BOB, aud: `webapp:${WEBAPP}`, preferred_username: 'bob', groups: [] },
      { iat: NOW, ttl: 300, kid: 'k9' },
    );
    expect(await refusal(runtime, unknown)).toMatchObject({ reason: 'signature' });
  });
});
