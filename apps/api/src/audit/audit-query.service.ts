import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditVerification, Page } from '@behalf/contracts';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { ProblemError } from '../http/problem';
import type { AuditQuery } from './audit.controller';
import { AuditRepository } from './audit.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reading the audit log: filtered pages and chain verification. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repository: AuditRepository) {}

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const [before] = decodeCursor(query.cursor, 1) ?? [];
    if (before !== undefined && !/^\d{1,19}$/.test(before)) {
      throw new ProblemError('validation-failed', 'The request query is invalid.', [
        { path: 'query.cursor', message: 'expected a cursor returned by a previous page' },
      ]);
    }
    const who = (value: string | undefined) =>
      value === undefined ? {} : UUID.test(value) ? { id: value.toLowerCase() } : { login: value.toLowerCase() };
    const actor = who(query.actor);
    const subject = who(query.subject);
    const page = await this.repository.list(
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
      query.limit,
    );
    return {
      items: page.items,
      ...(page.more && page.lastId !== undefined ? { nextCursor: encodeCursor([page.lastId.toString()]) } : {}),
    };
  }

  verify(): Promise<AuditVerification> {
    return this.repository.verify();
  }
}
