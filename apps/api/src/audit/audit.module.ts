import { Global, Module } from '@nestjs/common';
import { AuditQueryService } from './audit-query.service';
import { AuditController, ImpersonationEventsController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit log, used by every domain: `AuditService.record` is the one way to write to it. */
@Global()
@Module({
  controllers: [AuditController, ImpersonationEventsController],
  providers: [AuditRepository, AuditService, AuditQueryService],
  exports: [AuditService],
})
export class AuditModule {}
