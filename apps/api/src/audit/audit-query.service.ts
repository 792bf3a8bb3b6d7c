import { Injectable } from '@nestjs/common';
import type { AuditEvent, AuditVerification, ImpersonationEvent, Page } from '@behalf/contracts';
import { decodeCursor, toPage } from '../kernel/pagination';
import { UserRef, userRef } from '../common/user-ref';
import type { AuditQuery, ImpersonationEventsQuery } from './audit.dto';
import { AuditRepository } from './audit.repository';

/** Reading the audit log: filtered pages and chain verification. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repository: AuditRepository) {}

  async list(query: AuditQuery): Promise<Page<AuditEvent>> {
    const [before] = decodeCursor(query.cursor, ['integer']) ?? [];
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
    const names = await this.repository.targetNames(rows.slice(0, query.limit).flatMap((e) => (e.target ? [e.target] : [])));
    return toPage(
      rows,
      query.limit,
      (e) => (e.target ? { ...e, target: { ...e.target, name: names.get(`${e.target.type}:${e.target.id}`) ?? null } } : e),
      (e) => [e.id],
    );
  }

  /**
   * What webapp backends did as `userId`, newest first: impersonation tokens issued or refused
   * for them, the calls made with those tokens, and the changes those calls made. Read through
   * the (on_behalf_of_user_id, id) index.
   */
  async impersonationEvents(userId: string, query: ImpersonationEventsQuery): Promise<Page<ImpersonationEvent>> {
    const [before] = decodeCursor(query.cursor, ['integer']) ?? [];
    const actor: Partial<UserRef> = query.actor === undefined ? {} : userRef(query.actor);
    const rows = await this.repository.list(
      {
        onBehalfOfUserId: userId,
        fromWebapps: true,
        actorUserId: actor.id,
        actorLogin: actor.login,
        webappId: query.webapp,
        action: query.action,
        outcome: query.outcome,
        beforeId: before !== undefined ? BigInt(before) : undefined,
      },
      query.limit + 1,
    );
    return toPage(
      rows,
      query.limit,
      (e): ImpersonationEvent => ({
        id: e.id,
        at: e.at,
        actor: e.actor,
        webappId: e.webappId,
        action: e.action,
        outcome: e.outcome,
        reason: e.reason,
        // The kind and id only, as recorded.
        target: e.target && { type: e.target.type, id: e.target.id },
        details: e.details,
      }),
      (e) => [e.id],
    );
  }

  verify(): Promise<AuditVerification> {
    return this.repository.verify();
  }
}
