/**
 * `npm run bench:token-exchange`: the real server (a process of its own, embedded PostgreSQL,
 * production mode) with a seeded world, driven over loopback HTTP by autocannon from this process:
 * `POST /oauth/token` exchanging 50 viewers' identity tokens with the run's backend token, 32
 * connections for 20 s. In the same run, the crypto-only ceiling: the exchange's JWT work in a
 * tight loop on one core. Writes bench/results/token-exchange.json. A benchmark: it reports.
 */
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { startPeer } from '../peer/peer';
import { exchangeRequests, runRuntimeBenchmark, tightLoop } from '../runtime/world';

/** One verification or signature as the exchange does it: EdDSA, every registered claim checked. */
async function cryptoCeiling() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const sign = (typ: string, aud: string, claims: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k', typ })
      .setIssuer('http://127.0.0.1')
      .setSubject('00000000-0000-4000-8000-000000000000')
      .setAudience(aud)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('5m')
      .setJti('00000000-0000-4000-8000-000000000001')
      .sign(privateKey);
  const verify = (token: string, typ: string, audience: string) =>
    jwtVerify(token, publicKey, {
      algorithms: ['EdDSA'],
      typ,
      issuer: 'http://127.0.0.1',
      audience,
      requiredClaims: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'jti'],
    });
  const identity = await sign('behalf-id+jwt', 'webapp:w', { preferred_username: 'viewer', groups: ['g2'] });
  const backend = await sign('behalf-backend+jwt', 'behalf-api', { webapp_id: 'w', run_id: 'r' });
  const issue = () => sign('at+jwt', 'behalf-api', { client_id: 'webapp:w', act: { sub: 's', login: 'ru', webapp_id: 'w', run_id: 'r' } });
  return {
    /** Both verifications and the signature: the exchange with nothing remembered. */
    fullOpsPerSecond: await tightLoop(async () => {
      await verify(backend, 'behalf-backend+jwt', 'behalf-api');
      await verify(identity, 'behalf-id+jwt', 'webapp:w');
      await issue();
    }),
    /** What the server does per exchange: the backend token is remembered once verified. */
    asServedOpsPerSecond: await tightLoop(async () => {
      await verify(identity, 'behalf-id+jwt', 'webapp:w');
      await issue();
    }),
    verifyOpsPerSecond: await tightLoop(() => verify(identity, 'behalf-id+jwt', 'webapp:w')),
    signOpsPerSecond: await tightLoop(issue),
  };
}

runRuntimeBenchmark({
  name: 'token-exchange',
  measured: 'exchanges',
  endpoint: 'POST /oauth/token',
  ceiling: cryptoCeiling,
  ceilingNote: 'jose EdDSA on one core, calls back to back',
  requests: exchangeRequests,
  peer: startPeer,
  ratio: (perSecond, ceiling) => ({
    exchangesToFullCeiling: Number((perSecond / ceiling.fullOpsPerSecond).toFixed(3)),
    exchangesToAsServedCeiling: Number((perSecond / ceiling.asServedOpsPerSecond).toFixed(3)),
  }),
});
