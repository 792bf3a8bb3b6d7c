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
import { BUDGET, drive, figures, frameworkFloor, LOAD, machine, meetsBudget, seedWorld, startServer, tightLoop, writeReport, World } from '../runtime/world';

const VIEWERS = 50;

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

const requestsFor = (world: World, withSecrets: boolean) =>
  world.viewers.map((v) => ({
    method: 'POST' as const,
    path: '/api/v1/runtime/auth-info',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${world.backendToken}` },
    body: JSON.stringify({ headers: { cookie: `theme=dark; behalf_session=${v.sessionCookie}`, 'user-agent': 'bench' }, withSecrets }),
  }));


async function main(): Promise<void> {
  const startedAt = new Date();
  const ceiling = await cryptoCeiling();
  console.log('crypto ceiling (one core):', ceiling);
  const server = await startServer();
  try {
    const world = await seedWorld(server.url, VIEWERS);
    await drive(server.url, requestsFor(world, false), 3);
    const load = await drive(server.url, requestsFor(world, false));
    console.log('auth info over HTTP:', load);
    const floor = await frameworkFloor(server.url);
    console.log('framework floor:', floor);
    const withSecrets = await drive(server.url, requestsFor(world, true), 10);
    console.log('auth info with secrets over HTTP:', withSecrets);
    const report = {
      benchmark: 'auth-info',
      startedAt: startedAt.toISOString(),
      machine: machine(),
      load: {
        ...LOAD,
        endpoint: 'POST /api/v1/runtime/auth-info',
        viewers: VIEWERS,
        viewerCredential: 'behalf_session cookie',
        loopbackOnly: true,
        server: 'dist/apps/api/main.js, NODE_ENV=production, embedded PostgreSQL',
      },
      authInfo: figures(load),
      authInfoWithSecrets: { durationSeconds: 10, ...figures(withSecrets) },
      floor: { ...floor, durationSeconds: 5, note: 'GET /healthz on the same server and load: the HTTP stack alone' },
      ceiling: { ...ceiling, note: 'one core, calls back to back; the server verifies a backend token once, then remembers it until it expires' },
      ratio: { authInfoToBackendTokenVerifyCeiling: Number((load.requestsPerSecond / ceiling.backendTokenVerifyOpsPerSecond).toFixed(3)) },
      budget: { ...BUDGET, met: meetsBudget(load) },
    };
    console.log('wrote', await writeReport('auth-info', report));
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
