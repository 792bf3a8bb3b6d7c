import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEvent, AuditVerification, Page } from '@behalf/contracts';
import { z } from 'zod';
import { Authenticated } from '../auth/authenticated.decorator';
import { pageQuery } from '../common/pagination';
import { ValidQuery } from '../http/zod-validation';
import { AuditQueryService } from './audit-query.service';
import { ApiJsonResponse, auditEventSchema, auditVerificationSchema, pageOf } from '../http/response-schemas';


export const auditQuery = z.object({
  action: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(128).optional().describe('user id or login of who acted'),
  subject: z.string().min(1).max(128).optional().describe('user id or login acted on behalf of'),
  webapp: z.string().min(1).max(128).optional(),
  outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed'], { error: 'expected allowed, denied, succeeded or failed' }).optional(),
  since: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  until: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }).optional(),
  ...pageQuery,
});
export type AuditQuery = z.infer<typeof auditQuery>;


@ApiTags('audit')
@Controller('api/v1/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Authenticated({ permission: 'admin' })
  @ApiOperation({ summary: 'Audit records, newest first, filtered.' })
  @ApiJsonResponse(200, pageOf(auditEventSchema), 'A page of audit events.')
  list(@ValidQuery(auditQuery) query: AuditQuery): Promise<Page<AuditEvent>> {
    return this.audit.list(query);
  }

  @Get('verify')
  @Authenticated({ permission: 'admin' })
  @ApiOperation({ summary: 'Checks the whole hash chain; names the first broken record.' })
  @ApiJsonResponse(200, auditVerificationSchema, 'Whether the chain is intact, and where it breaks.')
  verify(): Promise<AuditVerification> {
    return this.audit.verify();
  }
}
