import { join } from 'node:path';
import { TOKEN_EXCHANGE } from '@behalf/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { freePort } from '../../apps/api/test/spawn';
import { Contender, spawnListening } from '../runtime/world';

const CLIENT_ID = 'bench';
const CLIENT_SECRET = 'bench-peer-client-secret';
const SUBJECT_ISSUER = 'http://127.0.0.1/behalf';

/** A started peer: what to drive it with, what it is, and how to stop it. */
export interface Peer {
  contender: Contender;
  note: string;
  stop(): Promise<void>;
}

/**
 * Starts the peer of the token exchange (`bench/peer/token-exchange-peer.mjs`, node-oidc-provider
 * 9) in a process of its own, to be driven like Behalf's exchange (autocannon from this process,
 * the same connections and rounds) with one subject token.
 */
export async function startPeer(): Promise<Peer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const peer = await spawnListening(
    join(projectRoot(), 'bench/peer/token-exchange-peer.mjs'),
    {
      NODE_ENV: 'production',
      PEER_PORT: String(port),
      PEER_ISSUER: url,
      PEER_CLIENT_ID: CLIENT_ID,
      PEER_CLIENT_SECRET: CLIENT_SECRET,
      PEER_SUBJECT_ISSUER: SUBJECT_ISSUER,
      PEER_SUBJECT_PUBLIC_JWK: JSON.stringify(await exportJWK(publicKey)),
    },
    'peer listening',
  );
  try {
    const subjectToken = await new SignJWT({ preferred_username: 'viewer0', groups: ['g2'] })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'behalf-id+jwt' })
      .setIssuer(SUBJECT_ISSUER)
      .setSubject('00000000-0000-4000-8000-000000000001')
      .setAudience(`webapp:${CLIENT_ID}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const request = {
      method: 'POST' as const,
      path: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE.grantType,
        subject_token: subjectToken,
        subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      }).toString(),
    };
    return {
      contender: { name: 'peer', url, requests: [request] },
      note: 'node-oidc-provider 9 (bench/peer/token-exchange-peer.mjs): client_secret_basic, jose jwtVerify of the subject token, jose SignJWT of an at+jwt; no policy, no audit, no database',
      stop: () => peer.stop(),
    };
  } catch (error) {
    await peer.stop();
    throw error;
  }
}
