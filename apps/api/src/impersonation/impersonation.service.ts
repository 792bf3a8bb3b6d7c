import { Inject, Injectable } from '@nestjs/common';
import type { ImpersonationGrant, Page } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { CLOCK, Clock } from '../kernel/clock';
import { GenerationalCache } from '../platform/cache/generational-cache';
import { decodeCursor, toPage } from '../kernel/pagination';
import { UserRef } from '../common/user-ref';
import { CONFIG, Config } from '../platform/config/config';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { ProblemError } from '../kernel/problem';
import { groupNotFound, GroupRepository } from '../identity/group.repository';
import { SettingsService } from '../settings/settings.service';
import { GrantRepository } from './grant.repository';
import { decide, Decision, DecisionFacts, GrantFacts } from './policy';

function refKey(ref: UserRef): string {
  return ref.id ? `i:${ref.id}` : `l:${ref.login}`;
}

@Injectable()
export class ImpersonationService {
  /** Facts, not decisions, are cached, so a grant's expiry is judged against the clock on every use. */
  private readonly cache: GenerationalCache<GrantFacts | null>;

  constructor(
    private readonly grants: GrantRepository,
    private readonly groups: GroupRepository,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) config: Config,
  ) {
    this.cache = new GenerationalCache(config.decisionCacheTtlMs);
  }

  /**
   * The facts of a decision: from the cache in the steady state, else one SQL statement. The
   * generation is read before the query, so facts read across a change are never cached.
   */
  async facts(actor: UserRef, subject: UserRef): Promise<DecisionFacts | null> {
    const [facts, settings] = await Promise.all([
      this.cache.through(
        `${refKey(actor)}|${refKey(subject)}`,
        () => this.feed.generation,
        () => this.grants.decisionFacts(actor, subject, this.clock.now()),
      ),
      this.settings.security(),
    ]);
    return facts && { ...facts, allowImpersonatingAdmins: settings.allowImpersonatingAdmins };
  }

  /** Decides without recording anything: for callers that record the decision in their own audit event. */
  async decide(actor: UserRef, subject: UserRef): Promise<{ facts: DecisionFacts; decision: Decision } | null> {
    const facts = await this.facts(actor, subject);
    return facts ? { facts, decision: decide(facts, this.clock.now()) } : null;
  }

  async putGrant(
    sourceGroupId: string,
    targetGroupId: string,
    input: { reason: string; expiresAt?: Date },
    ctx: RequestContext & { principal: { userId: string; login: string } },
  ): Promise<ImpersonationGrant> {
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt <= now) {
      throw new ProblemError('validation-failed', 'The request body is invalid.', [{ path: 'body.expiresAt', message: 'expected a time in the future' }]);
    }
    const grant = await this.grants.put({
      sourceGroupId,
      targetGroupId,
      reason: input.reason,
      expiresAt: input.expiresAt ?? null,
      createdAt: now,
      createdByUserId: ctx.principal.userId,
      createdByLogin: ctx.principal.login,
    });
    await this.audit.record(
      {
        action: 'impersonation.grant.put',
        outcome: 'succeeded',
        reason: input.reason,
        target: { type: 'group', id: sourceGroupId },
        details: { sourceGroup: grant.sourceGroup, targetGroup: grant.targetGroup, expiresAt: grant.expiresAt },
      },
      ctx,
    );
    return grant;
  }

  /** Idempotent; 404 only when a group does not exist. */
  async deleteGrant(sourceGroupId: string, targetGroupId: string, ctx: RequestContext): Promise<void> {
    for (const id of [sourceGroupId, targetGroupId]) if (!(await this.groups.get(id))) throw groupNotFound(id);
    const removed = await this.grants.delete(sourceGroupId, targetGroupId);
    if (removed) {
      await this.audit.record(
        {
          action: 'impersonation.grant.delete',
          outcome: 'succeeded',
          target: { type: 'group', id: sourceGroupId },
          details: { sourceGroup: removed.sourceGroup, targetGroup: removed.targetGroup, reason: removed.reason },
        },
        ctx,
      );
    }
  }

  async listGrants(sourceGroupId: string, limit: number, cursor: string | undefined): Promise<Page<ImpersonationGrant>> {
    if (!(await this.groups.get(sourceGroupId))) throw groupNotFound(sourceGroupId);
    const [after] = decodeCursor(cursor, ['uuid']) ?? [];
    return toPage(
      await this.grants.list(sourceGroupId, after, limit + 1),
      limit,
      (g) => g,
      (g) => [g.targetGroup.id],
    );
  }
}
