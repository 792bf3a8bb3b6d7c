import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehalfRuntime, ConfigurationError, ImpersonationDeniedError, RateLimitedError, RunStoppedError, BehalfUnavailableError } from '../src';
import { BOB, FakeBehalf, json, Keys, newRuntime, RUN, TestClock, tick, URL_, WEBAPP } from './fake-behalf';

const NOW = 1_900_000_000;
const REFRESH = `/api/v1/webapps/${WEBAPP}/runs/${RUN}/refresh`;

async function setUp(options: { serverSkewSeconds?: number; ttl?: number } = {}) {
  const keys = await Keys.make();
  const clock = new TestClock(NOW * 1000);
  const skew = options.serverSkewSeconds ?? 0;
  const behalf = new FakeBehalf();
  let issued = 0;
  behalf.on(REFRESH, async () => {
    issued += 1;
    const backendToken = await keys.backend(Math.floor(clock.ms / 1000) + skew, options.ttl ?? 3600);
    return json(200, { backendToken, expiresAt: new Date((Math.floor(clock.ms / 1000) + skew + 3600) * 1000).toISOString() });
  });
  const initial = await keys.backend(NOW + skew, options.ttl ?? 3600);
  const runtime = newRuntime({ keys, behalf, clock, backendToken: initial });
  return { keys, clock, behalf, runtime, initial, issued: () => issued };
}

describe('the backend token', () => {
  it('is used as given until four fifths of its life, then refreshed with itself, once for many concurrent callers', async () => {
    const { clock, behalf, runtime, initial } = await setUp();
    expect(await runtime.backendToken()).toBe(initial);
    clock.advance(0.79 * 3600);
    expect(await runtime.backendToken()).toBe(initial);
    expect(behalf.callsTo(REFRESH)).toHaveLength(0);

    clock.advance(0.02 * 3600);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => runtime.backendToken()));
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
    expect(behalf.callsTo(REFRESH)[0].headers.get('authorization')).toBe(`Bearer ${initial}`);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(initial);
    // The fresh token is kept for its own four fifths.
    clock.advance(0.5 * 3600);
    expect(await runtime.backendToken()).toBe(tokens[0]);
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
  });

  it('times a refreshed token from its receipt, so a server clock an hour ahead causes no refresh loop', async () => {
    const { clock, behalf, runtime } = await setUp({ serverSkewSeconds: 3600 });
    // The launch spec's token, issued "in the future": at most its lifetime is trusted.
    clock.advance(0.81 * 3600);
    const fresh = await runtime.backendToken();
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
    for (let i = 0; i < 10; i += 1) {
      clock.advance(60);
      expect(await runtime.backendToken()).toBe(fresh);
    }
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
  });

  it('refreshes early when the server clock is behind: a launch-spec token is never trusted past its exp on this clock', async () => {
    const { clock, behalf, runtime } = await setUp({ serverSkewSeconds: -1800 });
    // Half its life is gone by this machine's clock: refreshed at 0.3 h, not 0.8 h.
    clock.advance(0.31 * 3600);
    await runtime.backendToken();
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
  });

  it('surfaces a stopped run as RunStoppedError, once, and never asks again', async () => {
    const { clock, behalf, runtime } = await setUp();
    behalf.on(REFRESH, () =>
      json(409, { type: 'https://behalf.dev/problems/conflict', title: 'Conflict', status: 409, detail: 'This run has stopped: start a new one.' }),
    );
    clock.advance(0.9 * 3600);
    const results = await Promise.allSettled([runtime.backendToken(), runtime.backendToken()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const error = (results[0] as PromiseRejectedResult).reason as RunStoppedError;
    expect(error).toBeInstanceOf(RunStoppedError);
    expect(error.code).toBe('run_stopped');
    expect(error.message).toContain('This run has stopped');
    await expect(runtime.backendToken()).rejects.toBe(error);
    await expect(runtime.datasets.list()).rejects.toBe(error);
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
  });

  it('keeps a live token when Behalf is briefly unreachable, retries after 5 s, and fails once the token is dead', async () => {
    const { clock, behalf, runtime, initial } = await setUp();
    behalf.on(REFRESH, () => {
      throw new TypeError('fetch failed');
    });
    clock.advance(0.85 * 3600);
    expect(await runtime.backendToken()).toBe(initial);
    expect(await runtime.backendToken()).toBe(initial);
    expect(behalf.callsTo(REFRESH)).toHaveLength(1);
    clock.advance(6);
    expect(await runtime.backendToken()).toBe(initial);
    expect(behalf.callsTo(REFRESH)).toHaveLength(2);
    clock.advance(0.2 * 3600);
    await expect(runtime.backendToken()).rejects.toBeInstanceOf(BehalfUnavailableError);
  });

  it('prefers a fresher token from BEHALF_BACKEND_TOKEN_FILE (a runner keeps it) over asking the API', async () => {
    const keys = await Keys.make();
    const clock = new TestClock(NOW * 1000);
    const dir = mkdtempSync(join(tmpdir(), 'behalf-sdk-'));
    const file = join(dir, 'token');
    writeFileSync(file, `${await keys.backend(NOW)}\n`);
    const behalf = new FakeBehalf();
    const runtime = BehalfRuntime.fromEnv(
      { BEHALF_URL: URL_, BEHALF_WEBAPP_ID: WEBAPP, BEHALF_RUN_ID: RUN, BEHALF_BACKEND_TOKEN_FILE: file },
      { fetch: behalf.fetch, clock: clock.now, jwks: keys.jwks },
    );
    try {
      const first = await runtime.backendToken();
      clock.advance(0.85 * 3600);
      const rotated = await keys.backend(NOW + 0.85 * 3600);
      writeFileSync(file, rotated);
      expect(await runtime.backendToken()).toBe(rotated);
      expect(rotated).not.toBe(first);
      expect(behalf.calls).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renews the token before it expires even when the backend makes no call (a real clock, a 2 s token)', async () => {
    const keys = await Keys.make();
    const behalf = new FakeBehalf();
    const now = () => Math.floor(Date.now() / 1000);
    behalf.on(REFRESH, async () => json(200, { backendToken: await keys.backend(now(), 60), expiresAt: new Date().toISOString() }));
    const runtime = new BehalfRuntime({
      url: URL_,
      webappId: WEBAPP,
      runId: RUN,
      backendToken: await keys.backend(now(), 2),
      fetch: behalf.fetch,
      jwks: keys.jwks,
    });
    try {
      // Renewal is due at four fifths of 2 s; nothing calls the runtime meanwhile.
      await new Promise((r) => setTimeout(r, 1_900));
      expect(behalf.callsTo(REFRESH)).toHaveLength(1);
    } finally {
      runtime.close();
    }
  });

  it('refuses a launch without the run’s settings, naming each missing one', () => {
    expect(() => BehalfRuntime.fromEnv({ BEHALF_URL: URL_ })).toThrow(ConfigurationError);
    expect(() => BehalfRuntime.fromEnv({ BEHALF_URL: URL_ })).toThrow(
      'BEHALF_WEBAPP_ID, BEHALF_RUN_ID, BEHALF_BACKEND_TOKEN or BEHALF_BACKEND_TOKEN_FILE unset',
    );
    expect(() => BehalfRuntime.fromEnv({ BEHALF_URL: 'ftp://x', BEHALF_WEBAPP_ID: WEBAPP, BEHALF_RUN_ID: RUN, BEHALF_BACKEND_TOKEN: 'a.b.c' })).toThrow(
      'BEHALF_URL must be http or https.',
    );
    expect(() => BehalfRuntime.fromEnv({ BEHALF_URL: URL_, BEHALF_WEBAPP_ID: 'nope', BEHALF_RUN_ID: RUN, BEHALF_BACKEND_TOKEN: 'a.b.c' })).toThrow(
      'BEHALF_WEBAPP_ID must be a webapp id (a UUID).',
    );
    expect(() => BehalfRuntime.fromEnv({ BEHALF_URL: URL_, BEHALF_WEBAPP_ID: WEBAPP, BEHALF_RUN_ID: RUN, BEHALF_BACKEND_TOKEN: 'not-a-jwt' })).toThrow(
      'BEHALF_BACKEND_TOKEN is not a JWT.',
    );
  });
});

describe('impersonation tokens in asViewer', () => {
  async function withExchange(answer: (call: { body: string }) => Response | Promise<Response>) {
    const s = await setUp();
    s.behalf.on('/oauth/token', answer);
    s.behalf.on('/api/v1/datasets', (call) =>
      json(200, {
        items: [
          {
            id: 'd',
            name: `for ${call.headers.get('authorization')}`,
            description: '',
            owner: { id: BOB, login: 'bob' },
            access: 'read',
            createdAt: '',
            updatedAt: '',
          },
        ],
      }),
    );
    const identity = await s.keys.identity(NOW);
    const viewer = await s.runtime.viewer({ headers: { 'x-behalf-identity': identity } });
    return { ...s, identity, viewer };
  }

  it('exchanges the viewer’s identity token with the backend token as actor, once per viewer, and keeps it until four fifths of its life', async () => {
    let n = 0;
    const { runtime, viewer, behalf, identity, initial, clock } = await withExchange(() => {
      n += 1;
      return json(200, { access_token: `at-${n}`, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 });
    });
    const names = await Promise.all(Array.from({ length: 10 }, () => runtime.asViewer(viewer, async () => (await runtime.datasets.list())[0].name)));
    expect(new Set(names)).toEqual(new Set(['for Bearer at-1']));
    const exchanges = behalf.callsTo('/oauth/token');
    expect(exchanges).toHaveLength(1);
    const form = new URLSearchParams(exchanges[0].body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: identity,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      actor_token: initial,
      actor_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    // Outside asViewer, calls carry the backend token.
    expect((await runtime.datasets.list())[0].name).toBe(`for Bearer ${initial}`);
    clock.advance(239);
    expect(await runtime.asViewer(viewer, async () => (await runtime.datasets.list())[0].name)).toBe('for Bearer at-1');
    clock.advance(2);
    expect(await runtime.asViewer(viewer, async () => (await runtime.datasets.list())[0].name)).toBe('for Bearer at-2');
  });

  it('drops a token the API refuses (401), and exchanges again on the next call', async () => {
    let n = 0;
    const s = await withExchange(() => {
      n += 1;
      return json(200, { access_token: `at-${n}`, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 });
    });
    s.behalf.on('/api/v1/datasets', (call) =>
      call.headers.get('authorization') === 'Bearer at-1'
        ? json(401, { type: 'https://behalf.dev/problems/unauthenticated', title: 'Authentication required', status: 401, detail: 'revoked' })
        : json(200, { items: [] }),
    );
    await expect(s.runtime.asViewer(s.viewer, () => s.runtime.datasets.list())).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    await expect(s.runtime.asViewer(s.viewer, () => s.runtime.datasets.list())).resolves.toEqual([]);
    expect(s.behalf.callsTo('/oauth/token')).toHaveLength(2);
  });

  it('throws ImpersonationDeniedError with the policy’s reason, and caches no refusal', async () => {
    const s = await withExchange(() =>
      json(403, {
        error: 'access_denied',
        error_description: 'No group of the user this webapp runs as holds an impersonation grant on a group of the viewer.',
        reason: 'no_grant',
      }),
    );
    const error = await s.runtime.asViewer(s.viewer, () => s.runtime.datasets.list()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImpersonationDeniedError);
    expect(error).toMatchObject({ reason: 'no_grant', code: 'no_grant', status: 403 });
    await s.runtime.asViewer(s.viewer, () => s.runtime.datasets.list()).catch(() => undefined);
    expect(s.behalf.callsTo('/oauth/token')).toHaveLength(2);
  });

  it('answers an expired viewer credential as a 401 refusal (sign in again), not as the policy’s 403', async () => {
    const s = await withExchange(() =>
      json(400, { error: 'invalid_grant', error_description: 'The subject_token has expired.', reason: 'subject_token_expired' }),
    );
    await expect(s.runtime.asViewer(s.viewer, () => s.runtime.datasets.list())).rejects.toMatchObject({
      constructor: ImpersonationDeniedError,
      reason: 'subject_token_expired',
      status: 401,
    });
  });

  it('answers a rate limit as RateLimitedError with Retry-After, and a stopped run as RunStoppedError for every later call', async () => {
    const limited = await withExchange(() =>
      json(429, { error: 'temporarily_unavailable', error_description: 'too often', reason: 'run_rate_limited' }, { 'retry-after': '7' }),
    );
    await expect(limited.runtime.asViewer(limited.viewer, () => limited.runtime.datasets.list())).rejects.toEqual(new RateLimitedError(7));

    const stopped = await withExchange(() =>
      json(400, { error: 'unauthorized_client', error_description: 'The webapp run of the actor_token has stopped.', reason: 'run_stopped' }),
    );
    await expect(stopped.runtime.asViewer(stopped.viewer, () => stopped.runtime.datasets.list())).rejects.toBeInstanceOf(RunStoppedError);
    await expect(stopped.runtime.backendToken()).rejects.toBeInstanceOf(RunStoppedError);
  });

  it('carries the impersonation token through everything fn awaits, and never into a concurrent call outside it', async () => {
    const s = await withExchange(() =>
      json(200, { access_token: 'at-x', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 300 }),
    );
    const inside = s.runtime.asViewer(s.viewer, async () => {
      await tick();
      const res = await s.runtime.fetch('/api/v1/datasets');
      return ((await res.json()) as { items: { name: string }[] }).items[0].name;
    });
    const outside = s.runtime.datasets.list();
    expect(await inside).toBe('for Bearer at-x');
    expect((await outside)[0].name).toBe(`for Bearer ${s.initial}`);
    await expect(s.runtime.fetch('https://elsewhere.example/steal')).rejects.toBeInstanceOf(ConfigurationError);
  });
});
