import { AUDIT_OUTCOMES, type ImpersonationEvent, type AuditEvent, type AuditVerification } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, who } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const auditEventSchema = z.object({
  id: z.string().describe('decimal, increasing in chain order'),
  at: timestamp,
  action: z.string(),
  outcome: z.enum(AUDIT_OUTCOMES),
  actor: who,
  onBehalfOf: who.nullable(),
  webappId: z.string().nullable(),
  target: z
    .object({
      type: z.string(),
      id: z.string().nullable(),
      name: z
        .string()
        .nullable()
        .describe(
          'not part of the record: the target’s name when read (a user’s login; a group’s, webapp’s or dataset’s name; a run’s webapp’s name), null for other kinds and for a target that no longer exists',
        ),
    })
    .nullable(),
  reason: z.string().nullable(),
  clientIp: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
}) satisfies z.ZodType<AuditEvent>;

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.string().optional(),
}) satisfies z.ZodType<AuditVerification>;

export const impersonationEventSchema = z.object({
  id: z.string(),
  at: timestamp,
  actor: who,
  webappId: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<ImpersonationEvent>;
