/**
 * `npm run bench:impersonated-read`: an API call made with an impersonation token, the data
 * plane's hot path (issue 16). The real server (a process of its own, embedded PostgreSQL,
 * production mode) with the runtime world plus a dataset that G2 may read and a small CSV in it;
 * each of 50 viewers' identity tokens is exchanged once for an impersonation token, then autocannon
 * reads `GET /api/v1/datasets/:id/files/small.csv` with those tokens: every call verifies the
 * token (remembered until it expires), judges the whole acting policy again from the caches,
 * checks the viewer's dataset access, streams the file and audits the call. Writes
 * bench/results/impersonated-read.json. A benchmark: it reports.
 */
import { TOKEN_EXCHANGE } from '@behalf/contracts';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { runRuntimeBenchmark, tightLoop, World } from '../runtime/world';

const FILE = 'small.csv';
const CONTENT = 'id,value\n1,a\n2,b\n3,c\n';

async function cryptoCeiling() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const token = await new SignJWT({ client_id: 'webapp:w', act: { sub: 's', login: 'ru', webapp_id: 'w', run_id: 'r' } })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ: 'at+jwt' })
    .setIssuer('http://127.0.0.1')
    .setSubject('v')
    .setAudience('behalf-api')
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime('5m')
    .setJti('j')
    .sign(privateKey);
  return {
    /** The impersonation token's verification: what each call would cost with nothing remembered. */
    impersonationTokenVerifyOpsPerSecond: await tightLoop(() =>
      jwtVerify(token, publicKey, { algorithms: ['EdDSA'], typ: 'at+jwt', issuer: 'http://127.0.0.1', audience: 'behalf-api' }),
    ),
  };
}

/** A dataset G2 may read with one small file, and an impersonation token per viewer. */
async function readRequests(world: World) {
  const dataset = (await world.admin.call<{ id: string }>('POST', '/api/v1/datasets', { name: 'bench-reads' })).id;
  await world.admin.call('PUT', `/api/v1/datasets/${dataset}/permissions/groups/${world.groups.g2}`, { access: 'read' });
  await world.admin.upload(`/api/v1/datasets/${dataset}/files/${FILE}`, CONTENT, 'text/csv');
  const tokens: string[] = [];
  for (const viewer of world.viewers) {
    const res = await fetch(`${world.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE.grantType,
        subject_token: viewer.identityToken,
        subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
        actor_token: world.backendToken,
        actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
      }),
    });
    if (res.status !== 200) throw new Error(`exchange for ${viewer.login}: ${res.status} ${await res.text()}`);
    tokens.push(((await res.json()) as { access_token: string }).access_token);
  }
  return tokens.map((token) => ({ method: 'GET' as const, path: `/api/v1/datasets/${dataset}/files/${FILE}`, headers: { authorization: `Bearer ${token}` } }));
}

runRuntimeBenchmark({
  name: 'impersonated-read',
  measured: 'impersonatedReads',
  endpoint: 'GET /api/v1/datasets/:id/files/:path with an impersonation token',
  load: { file: { path: FILE, bytes: Buffer.byteLength(CONTENT) }, tokens: 'one impersonation token per viewer, exchanged before the load' },
  ceiling: cryptoCeiling,
  ceilingNote: 'one core, calls back to back; the server verifies an impersonation token once, then remembers it until it expires',
  requests: readRequests,
  ratio: (perSecond, ceiling) => ({ readsToTokenVerifyCeiling: Number((perSecond / ceiling.impersonationTokenVerifyOpsPerSecond).toFixed(3)) }),
});
