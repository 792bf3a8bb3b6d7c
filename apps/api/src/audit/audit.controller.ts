import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEvent, AuditVerification, ImpersonationEvent, Page } from '@behalf/contracts';
import { z } from 'zod';
import { Authenticated } from '../auth/authenticated.decorator';
import { listQuery, pageQuery } from '../common/pagination';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { ValidQuery } from '../http/zod-validation';
import { AuditQueryService } from './audit-query.service';
import { ApiJsonResponse, auditEventSchema, auditVerificationSchema, impersonationEventSchema, pageOf } from '../http/response-schemas';


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

@ApiTags('impersonation')
@Controller('api/v1/users/me/impersonation-events')
export class ImpersonationEventsController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Who acted as the caller, from which webapp, when and what was done (tokens issued or refused, calls made with them), newest first.' })
  @ApiJsonResponse(200, pageOf(impersonationEventSchema), 'A page of impersonation events.')
  list(@ValidQuery(listQuery) query: z.infer<typeof listQuery>, @CurrentPrincipal() principal: Principal): Promise<Page<ImpersonationEvent>> {
    return this.audit.impersonationEvents(principal.userId, query.limit, query.cursor);
  }
}
