import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEvent, AuditVerification, ImpersonationEvent, Page } from '@behalf/contracts';
import { Authenticated } from '../platform/http/authenticated.decorator';
import { CurrentPrincipal } from '../platform/http/current-principal.decorator';
import type { Principal } from '../kernel/principal';
import { ValidQuery } from '../platform/http/zod-validation';
import { AuditQueryService } from './audit-query.service';
import { AuditQuery, auditQuery, ImpersonationEventsQuery, impersonationEventsQuery } from './audit.dto';
import { ApiJsonResponse, pageOf } from '../platform/http/response-schemas';
import { auditEventSchema, auditVerificationSchema, impersonationEventSchema } from './audit.schemas';

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
  @ApiOperation({
    summary:
      'Who acted as the caller, from which webapp, when and what was done (tokens issued or refused, calls made with them), newest first; filtered by actor (user id or login), webapp, action and outcome.',
  })
  @ApiJsonResponse(200, pageOf(impersonationEventSchema), 'A page of impersonation events.')
  list(@ValidQuery(impersonationEventsQuery) query: ImpersonationEventsQuery, @CurrentPrincipal() principal: Principal): Promise<Page<ImpersonationEvent>> {
    return this.audit.impersonationEvents(principal.userId, query);
  }
}
