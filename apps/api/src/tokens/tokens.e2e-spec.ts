import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Jwks, KeyRotation, OpenIdConfiguration } from '@behalf/contracts';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { anonymous, Client, expectProblem, loginAsAdmin, ManualClock, SessionClient, withBearer } from '../../test/clients';
import { apiKeyClient, userSession } from '../../test/fixtures/identity';
import { createWebapp, startRun } from '../../test/fixtures/webapps';
import { sql, startTestApp, TestApp } from '../../test/harness';
import { SigningKeys } from './signing-keys.service';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('signing keys, JWKS and backend tokens', () => {
  let t: TestApp;
  let admin: SessionClient;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAsAdmin(t.app);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => t.close());

  const runOf = async () => startRun(t.app, admin, (await createWebapp(admin)).id);

  it('publishes public keys only, cacheably, with kid, alg and use', async () => {
    const res = await anonymous(t.app).request('GET', '/.well-known/jwks.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const { keys } = res.json<Jwks>();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
  });

  it('describes itself at /.well-known/openid-configuration', async () => {
    const res = await anonymous(t.app).request('GET', '/.well-known/openid-configuration');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    const issuer = t.config.http.publicUrl;
    expect(res.json<OpenIdConfiguration>()).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/oauth/token`,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange', 'authorization_code'],
    });
  });

  it('keeps the private key sealed in the database', async () => {
    const [row] = await sql<{ private_key: Buffer; kek_version: number; public_jwk: object }>(
      t.database.url,
      'SELECT private_key, kek_version, public_jwk FROM signing_keys',
    );
    expect(row.kek_version).toBe(1);
    expect(row.private_key.toString('latin1')).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(row.public_jwk)).not.toContain('"d"');
  });

  it('issues backend tokens an independent verifier accepts through the served JWKS', async () => {
    const run = await runOf();
    const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(run.backendToken, jwks, {
      issuer: t.config.http.publicUrl,
      audience: 'behalf-api',
      typ: 'behalf-backend+jwt',
      algorithms: ['EdDSA'],
      requiredClaims: ['iat', 'nbf', 'exp', 'jti', 'sub'],
    });
    expect(protectedHeader.kid).toEqual((await anonymous(t.app).request('GET', '/.well-known/jwks.json')).json<Jwks>().keys[0].kid);
    expect(payload).toMatchObject({ webapp_id: run.env.BEHALF_WEBAPP_ID, run_id: run.runId });
  });

  describe('refuses with a 401', () => {
    let run: Awaited<ReturnType<typeof runOf>>;
    let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
    beforeAll(async () => {
      run = await runOf();
      const key = await t.app.get(SigningKeys).signingKey();
      const valid = decodeJwt(run.backendToken);
      // The real private key, so that each token below is wrong in exactly one way.
      sign = (claims, header = {}) =>
        new SignJWT({ ...valid, ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'behalf-backend+jwt', ...header }).sign(key.privateKey);
    });
    const refused = async (token: string) => expectProblem(await withBearer(t.app, token).request('GET', '/api/v1/auth/me'), 401, 'unauthenticated');

    it('accepting the well-formed control token', async () => {
      expect((await withBearer(t.app, await sign({})).request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    });

    it('a tampered payload or signature', async () => {
      const [h, p, s] = run.backendToken.split('.');
      const forged = b64url({ ...decodeJwt(run.backendToken), sub: '00000000-0000-4000-8000-000000000000' });
      await refused(`${h}.${forged}.${s}`);
      await refused(`${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    });

    it('an expired token, saying so', async () => {
      const past = Math.floor(Date.now() / 1000) - 7200;
      const body = await refused(await sign({ iat: past, nbf: past, exp: past + 60 }));
      expect(body.detail).toBe('The token has expired.');
    });

    it('a token not valid yet', async () => {
      const future = Math.floor(Date.now() / 1000) + 600;
      await refused(await sign({ nbf: future }));
    });

    it('a wrong audience, issuer or type', async () => {
      await refused(await sign({ aud: 'webapp:someone-else' }));
      await refused(await sign({ iss: 'https://evil.example.com' }));
      await refused(await sign({}, { typ: 'behalf-id+jwt' }));
      await refused(await sign({}, { typ: 'at+jwt' }));
      await refused(await sign({}, { typ: undefined }));
    });

    it('a token missing a required claim', async () => {
      await refused(await sign({ jti: undefined }));
      await refused(await sign({ nbf: undefined }));
    });

    it('a token for another webapp’s run, or for a run that does not exist', async () => {
      const other = await runOf();
      await refused(await sign({ webapp_id: other.env.BEHALF_WEBAPP_ID }));
      await refused(await sign({ run_id: '00000000-0000-4000-8000-000000000000' }));
      await refused(await sign({ run_id: 'not-a-uuid' }));
    });

    it('alg: none', async () => {
      const header = b64url({ alg: 'none', typ: 'behalf-backend+jwt', kid: decodeProtectedHeader(run.backendToken).kid });
      await refused(`${header}.${run.backendToken.split('.')[1]}.`);
    });

    it('HS256 signed with the public key', async () => {
      const { keys } = (await anonymous(t.app).request('GET', '/.well-known/jwks.json')).json<Jwks>();
      const payload = decodeJwt(run.backendToken);
      for (const secret of [Buffer.from(keys[0].x, 'base64url'), Buffer.from(JSON.stringify(keys[0])), Buffer.from(keys[0].x)]) {
        const token = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: keys[0].kid, typ: 'behalf-backend+jwt' }).sign(secret);
        await refused(token);
      }
    });

    it('an unknown key id', async () => {
      await refused(await sign({}, { kid: 'no-such-key' }));
    });

    it('and audits each refusal without the token', async () => {
      const token = await sign({ aud: 'elsewhere' });
      await refused(token);
      const events = (await admin.request('GET', '/api/v1/audit-events?action=auth.authenticate&outcome=failed&limit=50')).json<{
        items: { reason: string }[];
      }>();
      expect(events.items.map((e) => e.reason)).toContain('token_invalid');
      expect(JSON.stringify(events)).not.toContain(token.split('.')[2]);
    });
  });

  it('lets only admins rotate', async () => {
    const { session } = await userSession(t.app, admin);
    expectProblem(await session.request('POST', '/api/v1/admin/keys/rotate', {}), 403);
  });
});

describe('key rotation', () => {
  const clock = new ManualClock();
  let t: TestApp;
  // An API key, not a session: sessions time out while the clock moves by hours.
  let admin: Client;
  const SECOND = 1000;
  const jwksNow = async () => (await anonymous(t.app).request('GET', '/.well-known/jwks.json')).json<Jwks>();
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { BEHALF_KEY_PREPUBLISH_SECONDS: '600', BEHALF_KEY_OVERLAP_SECONDS: '4200' } });
    admin = (await apiKeyClient(t.app, await loginAsAdmin(t.app))).client;
  });
  afterAll(() => t.close());

  it('publishes a new key at once, signs with it after the delay, and retires the old one after the overlap', async () => {
    const webapp = await createWebapp(admin);
    const before = await startRun(t.app, admin, webapp.id);
    const oldKid = kidOf(before.backendToken);
    const oldJwks = await jwksNow();

    const res = await admin.request('POST', '/api/v1/admin/keys/rotate', {});
    expect(res.statusCode).toBe(200);
    const rotation = res.json<KeyRotation>();
    expect(rotation).toEqual({
      kid: expect.any(String),
      alg: 'EdDSA',
      publishedAt: clock.now().toISOString(),
      activatesAt: new Date(clock.now().getTime() + 600 * SECOND).toISOString(),
      previousKeyUnpublishedAt: new Date(clock.now().getTime() + (600 + 4200) * SECOND).toISOString(),
      revokedKid: null,
    });
    expect((await jwksNow()).keys.map((k) => k.kid).sort()).toEqual([oldKid, rotation.kid].sort());
    // Still inside the pre-publication delay: the old key signs.
    expect(kidOf((await startRun(t.app, admin, webapp.id)).backendToken)).toBe(oldKid);

    clock.advance(600 * SECOND);
    const after = await startRun(t.app, admin, webapp.id);
    expect(kidOf(after.backendToken)).toBe(rotation.kid);

    // Inside the overlap window the old token verifies, for the API and for an outside verifier.
    clock.advance(2900 * SECOND); // 3500 s after it was issued: not yet expired
    expect((await before.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    const inside = createLocalJWKSet(await jwksNow());
    await expect(jwtVerify(before.backendToken, inside, { currentDate: clock.now(), algorithms: ['EdDSA'] })).resolves.toBeDefined();

    // After the overlap the old key has left the JWKS: its tokens are refused.
    clock.advance(1300 * SECOND + 1);
    const jwksAfter = await jwksNow();
    expect(jwksAfter.keys.map((k) => k.kid)).toEqual([rotation.kid]);
    expectProblem(await before.backend.request('GET', '/api/v1/auth/me'), 401);
    const issuedAt = new Date(decodeJwt(before.backendToken).iat! * 1000);
    await expect(jwtVerify(before.backendToken, createLocalJWKSet(jwksAfter), { currentDate: issuedAt })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    // The key that signed it was there before: only its removal refuses it at its issue time.
    await expect(jwtVerify(before.backendToken, createLocalJWKSet(oldJwks), { currentDate: issuedAt })).resolves.toBeDefined();

    const [event] = (await admin.request('GET', '/api/v1/audit-events?action=tokens.key.rotate')).json<{ items: { details: Record<string, unknown> }[] }>()
      .items;
    expect(event.details).toMatchObject({ kid: rotation.kid, previousKid: oldKid, immediate: false });
  });

  it('signs with the new key at once when the rotation is immediate', async () => {
    const rotation = (await admin.request('POST', '/api/v1/admin/keys/rotate', { immediate: true })).json<KeyRotation>();
    expect(rotation.activatesAt).toBe(rotation.publishedAt);
    const run = await startRun(t.app, admin, (await createWebapp(admin)).id);
    expect(kidOf(run.backendToken)).toBe(rotation.kid);
  });

  it('refuses a malformed rotation request', async () => {
    expectProblem(await admin.request('POST', '/api/v1/admin/keys/rotate', { immediate: 'now' }), 400, 'validation-failed');
  });
});

describe('the key-encryption key ring at start-up', () => {
  const ring = (version: number, fill: number) => `${version}:${Buffer.alloc(32, fill).toString('base64')}`;

  it('refuses to start with a wrong KEK, saying so', async () => {
    const first = await startTestApp();
    try {
      await expect(startTestApp({ database: first.database, env: { BEHALF_KEK: ring(1, 0x11) } })).rejects.toThrow(
        /BEHALF_KEK cannot decrypt signing key \S+ \(sealed with key-encryption key version 1\)/,
      );
    } finally {
      await first.close();
    }
  });

  it('names the KEK version the ring lacks', async () => {
    const first = await startTestApp();
    try {
      await expect(startTestApp({ database: first.database, env: { BEHALF_KEK: ring(2, 0x22) } })).rejects.toThrow(
        /sealed with key-encryption key version 1, which BEHALF_KEK does not contain \(it has 2\)/,
      );
    } finally {
      await first.close();
    }
  });

  it('seals new keys under the newest KEK of the ring and still opens older ones', async () => {
    const first = await startTestApp();
    await first.stop();
    const second = await startTestApp({ database: first.database, env: { BEHALF_KEK: `${ring(1, 0x4b)},${ring(2, 0x22)}` } });
    try {
      const admin = await loginAsAdmin(second.app);
      await admin.request('POST', '/api/v1/admin/keys/rotate', { immediate: true });
      const versions = await sql<{ kek_version: number }>(second.database.url, 'SELECT kek_version FROM signing_keys ORDER BY activates_at');
      expect(versions.map((v) => v.kek_version)).toEqual([1, 2]);
    } finally {
      await second.close();
      await first.database.drop();
    }
  });

  it('generates a development ring into the data directory when BEHALF_KEK is unset, and reuses it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'behalf-kek-'));
    try {
      const first = await startTestApp({ env: { BEHALF_KEK: '', BEHALF_DATA_DIR: dataDir, NODE_ENV: 'development' } });
      const path = join(dataDir, 'kek');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readFile(path, 'utf8')).toMatch(/^1:[A-Za-z0-9+/]{43}=\n$/);
      expect(first.logs.records.some((r) => String(r.msg).includes('BEHALF_KEK is unset: generated a development key ring'))).toBe(true);
      expect(first.logs.text).not.toContain((await readFile(path, 'utf8')).trim().slice(2));
      await first.stop();
      const second = await startTestApp({ database: first.database, env: { BEHALF_KEK: '', BEHALF_DATA_DIR: dataDir, NODE_ENV: 'development' } });
      expect(second.logs.records.some((r) => String(r.msg).includes('using the development key ring'))).toBe(true);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('signs with ES256 when configured', async () => {
    const t = await startTestApp({ env: { BEHALF_SIGNING_ALG: 'ES256' } });
    try {
      const admin: Client = await loginAsAdmin(t.app);
      const { keys } = (await anonymous(t.app).request('GET', '/.well-known/jwks.json')).json<Jwks>();
      expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      const run = await startRun(t.app, admin, (await createWebapp(admin)).id);
      expect(decodeProtectedHeader(run.backendToken).alg).toBe('ES256');
      const { payload } = await jwtVerify(run.backendToken, createLocalJWKSet({ keys }), { algorithms: ['ES256'], typ: 'behalf-backend+jwt' });
      expect(payload.run_id).toBe(run.runId);
      expect((await run.backend.request('GET', '/api/v1/auth/me')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
