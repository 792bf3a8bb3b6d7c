/** The `typ` header of each kind of JWT Behalf issues. Verifiers must check it. */
export const TOKEN_TYPES = {
  backend: 'behalf-backend+jwt',
  identity: 'behalf-id+jwt',
  impersonation: 'at+jwt',
} as const;

/** `aud` of tokens meant for the Behalf API itself (backend and impersonation tokens). */
export const API_AUDIENCE = 'behalf-api';

export const SIGNING_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A public signing key as the JWKS lists it. */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'P-256';
  x: string;
  y?: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface Jwks {
  keys: PublicJwk[];
}

/** `GET /.well-known/openid-configuration`. */
export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  authorization_endpoint: string;
  response_types_supported: string[];
  code_challenge_methods_supported: string[];
  /** RFC 9207: the authorization response names its issuer. */
  authorization_response_iss_parameter_supported: boolean;
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  id_token_signing_alg_values_supported: SigningAlgorithm[];
  subject_types_supported: string[];
}

/** `POST /api/v1/admin/keys/rotate`: the key that was added. */
export interface KeyRotation {
  kid: string;
  alg: SigningAlgorithm;
  /** In the JWKS from now on. */
  publishedAt: string;
  /** Signs from then on; the previous key stays published for the overlap window after it. */
  activatesAt: string;
  /** When the key signing until `activatesAt` leaves the JWKS (now, when it was revoked). */
  previousKeyUnpublishedAt: string | null;
  /** The previous key, revoked (`revokePrevious`): gone from the JWKS, its tokens refused. */
  revokedKid: string | null;
}
