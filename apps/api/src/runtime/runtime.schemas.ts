import type { AuthInfo, IssuedIdentityToken } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const authInfoSchema = z.union([
  z.object({ authIdentifier: z.literal('Anonymous'), anonymous: z.literal(true) }),
  z.object({
    authIdentifier: z.string().describe("the viewer's login"),
    userId: uuid,
    displayName: z.string(),
    email: z.string().nullable(),
    groups: z.array(z.string()),
    anonymous: z.literal(false),
    secrets: z
      .array(z.object({ name: z.string(), value: z.string() }))
      .optional()
      .describe('with withSecrets, unless hidden: the names the webapp may receive'),
    secretsWithoutConsent: z.array(z.string()).optional().describe('names the webapp may receive that the viewer has not consented to'),
    unreadableSecrets: z.array(z.string()).optional().describe('secrets that exist but do not open (a key-encryption key missing)'),
    secretsHidden: z.literal(true).optional().describe('with withSecrets, when the webapp or global setting hides access tokens'),
  }),
]) satisfies z.ZodType<AuthInfo>;

export const issuedIdentityTokenSchema = z.object({
  token: z.string().describe('a JWT, typ behalf-id+jwt, aud webapp:<id>'),
  expiresAt: timestamp,
}) satisfies z.ZodType<IssuedIdentityToken>;
