import type { ImpersonationDecision, ImpersonationGrant } from '@behalf/contracts';
import { ACTING_REASONS } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid, who } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
const groupRef = z.object({ id: uuid, name: z.string() });

export const impersonationGrantSchema = z.object({
  sourceGroup: groupRef,
  targetGroup: groupRef,
  reason: z.string(),
  expiresAt: timestamp.nullable(),
  createdAt: timestamp,
  createdBy: who,
}) satisfies z.ZodType<ImpersonationGrant>;

export const impersonationDecisionSchema = z.object({
  allowed: z.boolean(),
  reason: z.enum(ACTING_REASONS),
  actor: z.object({ id: uuid, login: z.string() }),
  subject: z.object({ id: uuid, login: z.string() }),
  webapp: z.object({ id: uuid, name: z.string(), runId: uuid.nullable() }).optional(),
  grant: z.object({ sourceGroup: groupRef, targetGroup: groupRef, reason: z.string(), expiresAt: timestamp.nullable() }).optional(),
}) satisfies z.ZodType<ImpersonationDecision>;
