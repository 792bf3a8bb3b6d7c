import { exportJWK, generateKeyPair, JWTPayload, SignJWT } from 'jose';
import type { Jwks } from '@behalf/contracts';
import { BehalfRuntime } from '../src';

export const URL_ = 'http://behalf.test';
export const WEBAPP = '0b0e2f7e-1d6f-4f0a-9a57-1b7c0d2f3a41';
export const OTHER_WEBAPP = '5d1c7a3e-9b2f-4e61-8c3a-2f6d7e8a9b10';
export const RUN = '7f3e1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
export const ALICE = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
export const BOB = '2b3c4d5e-6f7a-4b9c-8d1e-2f3a4b5c6d7e';

/** Signing keys like Behalf's, and tokens like the ones it issues (for unit tests of pure logic). */
export class Keys {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly jwks: Jwks,
  ) {}

  static async make(kid = 'k1'): Promise<Keys> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
    return new Keys(privateKey, { keys: [jwk] } as unknown as Jwks);
  }

  sign(typ: string, claims: JWTPayload, options: { iat: number; ttl: number; kid?: string }): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ, kid: options.kid ?? 'k1' })
      .setIssuedAt(options.iat)
      .setNotBefore(options.iat)
      .setExpirationTime(options.iat + options.ttl)
      .setJti(`j${Math.random()}`)
      .setIssuer(URL_)
      .sign(this.privateKey);
  }

  backend(iat: number, ttl = 3600): Promise<string> {
    return this.sign('behalf-backend+jwt', { sub: ALICE, aud: 'behalf-api', webapp_id: WEBAPP, run_id: RUN }, { iat, ttl });
  }

  identity(iat: number, overrides: JWTPayload = {}, ttl = 300, typ = 'behalf-id+jwt'): Promise<string> {
    return this.sign(
      typ,
      { sub: BOB, aud: `webapp:${WEBAPP}`, preferred_username: 'bob', name: 'Bob B.', email: 'bob@example.com', groups: ['sales'], ...overrides },
      { iat, ttl },
    );
  }
}

export interface Call {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** A scripted Behalf: each handler answers the calls to one path; every call is recorded. */
export class FakeBehalf {
  readonly calls: Call[] = [];
  private readonly handlers = new Map<string, (call: Call) => Promise<Response> | Response>();

  on(path: string, handler: (call: Call) => Promise<Response> | Response): this {
    this.handlers.set(path, handler);
    return this;
  }

  callsTo(path: string): Call[] {
    return this.calls.filter((c) => new URL(c.url).pathname === path);
  }

  readonly fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const call: Call = { method: request.method, url: request.url, headers: request.headers, body: request.body ? await request.text() : '' };
    this.calls.push(call);
    const handler = this.handlers.get(new URL(request.url).pathname);
    if (!handler) return json(404, { type: 'https://behalf.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no such route' });
    return handler(call);
  }) as typeof fetch;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A clock the test moves. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export const tick = () => new Promise((r) => setImmediate(r));

/** A runtime of this webapp and run, talking to `behalf`, trusting `jwks` (default: `keys`'). */
export function newRuntime(p: { keys: Keys; behalf: FakeBehalf; clock: TestClock; backendToken: string; jwks?: Jwks }): BehalfRuntime {
  return new BehalfRuntime({
    url: URL_,
    webappId: WEBAPP,
    runId: RUN,
    backendToken: p.backendToken,
    fetch: p.behalf.fetch,
    clock: p.clock.now,
    jwks: p.jwks ?? p.keys.jwks,
  });
}

/** Keys, a clock at `now` (seconds), a scripted Behalf and a runtime holding a backend token issued now. */
export async function fakeWorld(now: number) {
  const keys = await Keys.make();
  const clock = new TestClock(now * 1000);
  const behalf = new FakeBehalf();
  const runtime = newRuntime({ keys, behalf, clock, backendToken: await keys.backend(now) });
  return { keys, clock, behalf, runtime };
}
