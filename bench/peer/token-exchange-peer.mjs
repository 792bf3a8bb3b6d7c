// The peer of `bench:token-exchange` (issue 16): the leanest RFC 8693 token exchange one can build
// on panva's node-oidc-provider 9, doing the same crypto work as Behalf's exchange without its
// policy and audit. One client (client_secret_basic, the token-exchange grant, EdDSA id tokens),
// its JWKS one Ed25519 key. The handler verifies `subject_token` with jose `jwtVerify` (EdDSA
// pinned, `typ behalf-id+jwt`, `iss`, `aud webapp:<client>`) against a fixed public key, then
// signs an `at+jwt` (`sub`, `aud`, `client_id`, `act`, `iat`, `exp`, `jti`) and answers the
// RFC 8693 JSON. Its own process, on 127.0.0.1; the bench drives it with autocannon.
//
// Environment: PEER_PORT, PEER_ISSUER, PEER_CLIENT_ID, PEER_CLIENT_SECRET, PEER_SUBJECT_ISSUER and
// PEER_SUBJECT_PUBLIC_JWK (the key the subject tokens are signed with, a public JWK as JSON).
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import Provider, { errors } from 'oidc-provider';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(env('PEER_PORT'));
const issuer = env('PEER_ISSUER');
const clientId = env('PEER_CLIENT_ID');
const subjectIssuer = env('PEER_SUBJECT_ISSUER');
const subjectKey = await importJWK(JSON.parse(env('PEER_SUBJECT_PUBLIC_JWK')), 'EdDSA');

const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', use: 'sig', kid: 'peer-1' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: env('PEER_CLIENT_SECRET'),
      grant_types: [GRANT],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'EdDSA',
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomUUID()] },
  features: { devInteractions: { enabled: false } },
});

async function tokenExchange(ctx) {
  const { params, client } = ctx.oidc;
  if (params.subject_token_type !== JWT_TYPE) throw new errors.InvalidRequest('subject_token_type must be a JWT');
  let sub;
  try {
    ({
      payload: { sub },
    } = await jwtVerify(params.subject_token, subjectKey, {
      algorithms: ['EdDSA'],
      typ: 'behalf-id+jwt',
      issuer: subjectIssuer,
      audience: `webapp:${client.clientId}`,
    }));
  } catch {
    throw new errors.InvalidGrant('subject_token does not verify');
  }
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = 300;
  const accessToken = await new SignJWT({ client_id: client.clientId, act: { sub: client.clientId } })
    .setProtectedHeader({ alg: 'EdDSA', kid: signingJwk.kid, typ: 'at+jwt' })
    .setIssuer(issuer)
    .setSubject(sub)
    .setAudience('behalf-api')
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .setJti(randomUUID())
    .sign(privateKey);
  ctx.body = { access_token: accessToken, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: expiresIn };
}

provider.registerGrantType(GRANT, tokenExchange, [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'audience',
  'resource',
  'scope',
]);

provider.on('server_error', (_ctx, error) => console.error('peer server_error:', error));
const server = provider.listen(port, '127.0.0.1', () => console.log(`peer listening on ${port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
