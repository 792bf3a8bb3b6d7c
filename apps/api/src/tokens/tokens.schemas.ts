import type { Jwks, KeyRotation, OpenIdConfiguration } from '@behalf/contracts';
import { SIGNING_ALGORITHMS } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
const signingAlgorithm = z.enum(SIGNING_ALGORITHMS);

export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.enum(['OKP', 'EC']),
      crv: z.enum(['Ed25519', 'P-256']),
      x: z.string(),
      y: z.string().optional(),
      kid: z.string(),
      alg: signingAlgorithm,
      use: z.literal('sig'),
    }),
  ),
}) satisfies z.ZodType<Jwks>;

export const openIdConfigurationSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string(),
  authorization_endpoint: z.string(),
  response_types_supported: z.array(z.string()),
  code_challenge_methods_supported: z.array(z.string()),
  authorization_response_iss_parameter_supported: z.boolean(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(signingAlgorithm),
  subject_types_supported: z.array(z.string()),
}) satisfies z.ZodType<OpenIdConfiguration>;

export const keyRotationSchema = z.object({
  kid: z.string(),
  alg: signingAlgorithm,
  publishedAt: timestamp,
  activatesAt: timestamp,
  previousKeyUnpublishedAt: timestamp.nullable(),
  revokedKid: z.string().nullable().describe('the previous key, dropped from the JWKS at once (revokePrevious)'),
}) satisfies z.ZodType<KeyRotation>;
