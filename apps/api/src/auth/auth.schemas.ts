import type { ApiKey, CreatedApiKey, Me } from '@behalf/contracts';
import { PERMISSIONS } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
const permission = z.enum(PERMISSIONS);

export const meSchema = z.object({
  id: uuid,
  login: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  groups: z.array(z.string()),
  permissions: z.array(permission),
}) satisfies z.ZodType<Me>;

export const apiKeySchema = z.object({
  id: uuid,
  name: z.string(),
  userId: uuid,
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
}) satisfies z.ZodType<ApiKey>;

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('bhk_<id>_<secret>: shown in this answer only'),
}) satisfies z.ZodType<CreatedApiKey>;
