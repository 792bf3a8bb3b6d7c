import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditVerification, Page } from '@behalf/contracts';
import { decodeCursor, invalidCursor, toPage } from '../common/pagination';
import { UserRef, userRef } from '../common/user-ref';
import type { AuditQuery } from './audit.controller';
import { AuditRepository } from './audit.repository';

/** Reading the audit log: filtered pages and chain verification. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repository: AuditRepository) {}

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const [before] = decodeCursor(query.cursor, 1) ?? [];
    if (before !== undefined && !/^\d{1,19}$/.test(before)) throw invalidCursor();
    const actor: Partial<UserRef> = query.actor === undefined ? {} : userRef(query.actor);
    const subject: Partial<UserRef> = query.subject === undefined ? {} : userRef(query.subject);
    const rows = await this.repository.list(
      {
        action: query.action,
        actorUserId: actor.id,
        actorLogin: actor.login,
        onBehalfOfUserId: subject.id,
        onBehalfOfLogin: subject.login,
        webappId: query.webapp,
        outcome: query.outcome,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        beforeId: before !== undefined ? BigInt(before) : undefined,
      },
      query.limit + 1,
    );
    return toPage(rows, query.limit, (e) => e, (e) => [e.id]);
  }

  verify(): Promise<AuditVerification> {
    return this.repository.verify();
  }
}
