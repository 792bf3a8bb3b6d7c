import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { AuditOutcome } from '@behalf/contracts';
import { webappOf } from '../auth/principal';
import { CLOCK, Clock } from '../common/clock';
import { LOGGER } from '../logging/logger.token';
import type { Logger } from '../logging/logger';
import { redactDeep } from '../logging/redact';
import { AuditContent } from './audit-hash';
import { AuditRepository } from './audit.repository';
import { RequestContext } from './request-context';

export interface AuditInput {
  action: string;
  outcome: AuditOutcome;
  /** Defaults to the request's principal. */
  actor?: { userId: string | null; login: string | null };
  onBehalfOf?: { userId: string | null; login: string | null };
  webappId?: string;
  target?: { type: string; id?: string | null };
  reason?: string;
  details?: Record<string, unknown>;
}

interface Pending {
  content: AuditContent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The most records one transaction appends. */
const MAX_BATCH = 500;

/**
 * Records audit events. `record` resolves once the event is committed, so a caller that awaits
 * it never answers before its record exists. Events recorded while a write is under way are
 * batched into the next transaction: one lock and one round trip for many concurrent requests.
 */
@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly repository: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  record(input: AuditInput, context?: RequestContext): Promise<void> {
    const principal = context?.principal;
    // Under an impersonation token the run identity acts, on behalf of the viewer: both are kept.
    const impersonation = principal?.via.kind === 'impersonation' ? principal.via : undefined;
    const actor = input.actor ?? (impersonation ? { userId: impersonation.actor.userId, login: impersonation.actor.login } : undefined) ?? (principal ? { userId: principal.userId, login: principal.login } : undefined);
    const onBehalfOf = input.onBehalfOf ?? (impersonation && principal ? { userId: principal.userId, login: principal.login } : undefined);
    const content: AuditContent = {
      at: this.clock.now(),
      action: input.action,
      outcome: input.outcome,
      actorUserId: actor?.userId ?? null,
      actorLogin: actor?.login ?? null,
      onBehalfOfUserId: onBehalfOf?.userId ?? null,
      onBehalfOfLogin: onBehalfOf?.login ?? null,
      webappId: input.webappId ?? webappOf(principal) ?? null,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      reason: input.reason ?? null,
      clientIp: context?.clientIp ?? null,
      requestId: context?.requestId ?? null,
      // Defence in depth: whatever a caller put in details, credentials never reach the log.
      details: redactDeep(impersonation ? { ...input.details, impersonation: { runId: impersonation.runId, tokenId: impersonation.tokenId } } : (input.details ?? {})) as Record<string, unknown>,
    };
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ content, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.repository.append(batch.map((p) => p.content));
          for (const p of batch) p.resolve();
        } catch (error) {
          this.logger.error({ err: error, count: batch.length }, 'audit append failed');
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Lets every queued record commit before the pools close (they close in the next phase). */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
