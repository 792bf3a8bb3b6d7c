import type { SecretConsent, SecretInfo } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const secretConsentSchema = z.object({
  webappId: uuid,
  webappName: z.string(),
  names: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<SecretConsent>;

export const secretInfoSchema = z.object({ name: z.string(), createdAt: timestamp, updatedAt: timestamp }) satisfies z.ZodType<SecretInfo>;
