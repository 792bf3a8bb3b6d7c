/**
 * `npm run bench:auth-info`: the real server (a process of its own, embedded PostgreSQL,
 * production mode) with a seeded world, driven over loopback HTTP by autocannon from this process:
 * `POST /api/v1/runtime/auth-info` with the run's backend token and 50 viewers' session cookies,
 * 32 connections for 20 s, then 10 s more with `withSecrets`. In the same run, the crypto-only
 * ceiling: verifying the backend token in a tight loop on one core (what every call would cost
 * without the remembered-token cache). Writes bench/results/auth-info.json. It reports.
 */
import { createHash } from 'node:crypto';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { BENCH_SESSION_COOKIE, drive, figures, runRuntimeBenchmark, tightLoop, World } from '../runtime/world';

async function cryptoCeiling() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const backend = await new SignJWT({ webapp_id: 'w', run_id: 'r' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ: 'behalf-backend+jwt' })
    .setIssuer('http://127.0.0.1')
    .setSubject('s')
    .setAudience('behalf-api')
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime('1h')
    .setJti('j')
    .sign(privateKey);
  const cookie = 'a'.repeat(43);
  return {
    /** The backend token's verification: what each call would cost with nothing remembered. */
    backendTokenVerifyOpsPerSecond: await tightLoop(() =>
      jwtVerify(backend, publicKey, { algorithms: ['EdDSA'], typ: 'behalf-backend+jwt', issuer: 'http://127.0.0.1', audience: 'behalf-api' }),
    ),
    /** The session cookie's SHA-256 (its lookup key), done on every call. */
    sessionHashOpsPerSecond: await tightLoop(async () => createHash('sha256').update(cookie).digest('hex')),
  };
}

/** The browser headers a backend passes on: a session cookie, or an identity token as a proxy injects it. */
const browserHeaders = (viewer: World['viewers'][number], via: 'session' | 'identity_token') =>
  via === 'session'
    ? { cookie: `theme=dark; ${BENCH_SESSION_COOKIE}=${viewer.sessionCookie}`, 'user-agent': 'bench' }
    : { authorization: `Bearer ${viewer.identityToken}`, 'user-agent': 'bench' };

const requestsFor = (world: World, withSecrets: boolean, via: 'session' | 'identity_token' = 'session') =>
  world.viewers.map((v) => ({
    method: 'POST' as const,
    path: '/api/v1/runtime/auth-info',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${world.backendToken}` },
    body: JSON.stringify({ headers: browserHeaders(v, via), withSecrets }),
  }));

runRuntimeBenchmark({
  name: 'auth-info',
  measured: 'authInfo',
  endpoint: 'POST /api/v1/runtime/auth-info',
  load: { viewerCredential: `${BENCH_SESSION_COOKIE} cookie` },
  ceiling: cryptoCeiling,
  ceilingNote: 'one core, calls back to back; the server verifies a backend token once, then remembers it until it expires',
  requests: (world) => requestsFor(world, false),
  ratio: (perSecond, ceiling) => ({ authInfoToBackendTokenVerifyCeiling: Number((perSecond / ceiling.backendTokenVerifyOpsPerSecond).toFixed(3)) }),
  more: async (url, world) => {
    const withSecrets = await drive(url, requestsFor(world, true), 10);
    console.log('auth info with secrets over HTTP:', withSecrets);
    // The gateway's path: the viewer as an identity token, verified on every call (never remembered).
    const identityToken = await drive(url, requestsFor(world, false, 'identity_token'), 10);
    console.log('auth info with an identity token over HTTP:', identityToken);
    return {
      authInfoWithSecrets: { durationSeconds: 10, ...figures(withSecrets) },
      authInfoWithIdentityToken: {
        durationSeconds: 10,
        viewerCredential: 'identity token (Authorization: Bearer, as a proxy injects it)',
        ...figures(identityToken),
      },
    };
  },
});
