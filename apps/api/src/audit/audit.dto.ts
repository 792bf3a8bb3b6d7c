import { AUDIT_OUTCOMES } from '@behalf/contracts';
import { z } from 'zod';
import { pageQuery } from '../kernel/pagination';
import { uuidField } from '../platform/http/zod-validation';

/** The filters of `GET /api/v1/audit-events`. */
export const auditQuery = z.object({
  action: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(128).optional().describe('user id or login of who acted'),
  subject: z.string().min(1).max(128).optional().describe('user id or login acted on behalf of'),
  webapp: z.string().min(1).max(128).optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: `expected ${AUDIT_OUTCOMES.slice(0, -1).join(', ')} or ${AUDIT_OUTCOMES.at(-1)}` }).optional(),
  since: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  ...pageQuery,
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** The filters of `GET /api/v1/users/me/impersonation-events`: who acted, from which webapp, what, how it ended. */
export const impersonationEventsQuery = z.object({
  actor: auditQuery.shape.actor,
  webapp: uuidField.optional(),
  action: auditQuery.shape.action,
  outcome: auditQuery.shape.outcome,
  ...pageQuery,
});
export type ImpersonationEventsQuery = z.infer<typeof impersonationEventsQuery>;
