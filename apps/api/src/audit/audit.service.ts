import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { AuditAction } from '@behalf/contracts';
import type { AuditOutcome } from '@behalf/contracts';
import { webappOf } from '../kernel/principal';
import { CLOCK, Clock } from '../kernel/clock';
import { Transactions } from '../platform/database/transactions';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { redactDeep } from '@behalf/server';
import { AuditContent } from './audit-hash';
import { storable } from '../kernel/text';
import { AuditRepository, OUTBOX_BATCH } from './audit.repository';
import { clientSource, RequestContext } from '../kernel/request-context';

export interface AuditInput {
  action: AuditAction;
  outcome: AuditOutcome;
  /** Defaults to the request's principal. */
  actor?: { userId: string | null; login: string | null };
  onBehalfOf?: { userId: string | null; login: string | null };
  webappId?: string;
  target?: { type: string; id?: string | null };
  reason?: string;
  details?: Record<string, unknown>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Pending extends Waiter {
  content: AuditContent;
  /** Arrival order, kept when a batch is appended again. */
  seq: number;
}

/** The most records one transaction appends. */
const MAX_BATCH = 500;
/**
 * Batches on their way at once, each chained onto the one before. One: measured on 2 cores
 * (exchanges at 32 connections), three in flight gained nothing, since the CPU and not the round
 * trip is the limit there, and about one batch in nine then reached the lock after the one it was
 * chained onto and had to go again. Machines with more cores may do better with more.
 */
const MAX_IN_FLIGHT = 1;
/** How often the outbox is checked for records a stopped process left behind. */
const OUTBOX_SWEEP_MS = 5_000;
/** How often repeated refusals are summed up into their aggregate records. */
const AGGREGATE_FLUSH_MS = 10_000;
/** Distinct refusal buckets kept in memory at most; beyond, the oldest are written out early. */
const MAX_AGGREGATES = 10_000;
const MINUTE_MS = 60_000;

interface Aggregate {
  input: AuditInput;
  context: RequestContext;
  minute: number;
  repeated: number;
}

/**
 * Records audit events.
 *
 * - A state change recorded inside a transaction (`Transactions.run`, which wraps every write
 *   route) goes to the outbox in that transaction: the change and its record commit together, or
 *   neither does. Once it commits, the outbox is moved into the hash chain before the request
 *   answers; should the process stop first, the next sweep (any replica) moves it.
 * - Everything else (decisions, refusals, denials, which must outlive a rolled-back request) is
 *   appended directly. `record` resolves once the record is committed, so a caller that awaits it
 *   never answers before its record exists. Records arriving while a write is under way are
 *   batched into the next transaction: one lock and one round trip for many concurrent requests.
 * - No record can fail another: text PostgreSQL cannot store is replaced before hashing, and a
 *   batch that fails anyway is retried record by record.
 * - Refused credentials from an unauthenticated source ({@link refusal}) are aggregated: the
 *   first per source, action, reason and minute is written at once, the rest of that minute as
 *   one record with their count, so a flood costs bounded rows.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private queue: Pending[] = [];
  /** Records of batches that did not land (the head had moved): appended again, in order, first. */
  private retry: Pending[] = [];
  private seq = 0;
  private outboxWaiting = false;
  private outboxWaiters: Waiter[] = [];
  /** The head the last batch sent makes, once known; unknown, the next append reads it. */
  private head: string | undefined;
  private inFlight = 0;
  private reading = false;
  private idleWaiters: (() => void)[] = [];
  private readonly aggregates = new Map<string, Aggregate>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly repository: AuditRepository,
    private readonly transactions: Transactions,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = setInterval(() => {
      void this.repository
        .outboxPending()
        .then((pending) => (pending ? this.flush() : undefined))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'audit outbox sweep failed'));
    }, OUTBOX_SWEEP_MS);
    const aggregates = setInterval(() => void this.flushAggregates(false), AGGREGATE_FLUSH_MS);
    sweep.unref();
    aggregates.unref();
    this.timers = [sweep, aggregates];
    // Records a previous process committed but did not chain.
    void this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'audit outbox could not be moved at start-up'));
  }

  record(input: AuditInput, context?: RequestContext): Promise<void> {
    const content = this.contentOf(input, context);
    if (input.outcome === 'succeeded' && this.transactions.active) {
      // Moving the outbox may fail (the database went away): the record is durable in the
      // outbox all the same, and the sweep will chain it, so the committed change stands.
      // One move per transaction, however many records it wrote.
      this.transactions.afterCommit(
        () => this.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'audit outbox not moved yet; the sweep will')),
        this,
      );
      return this.repository.enqueue(content);
    }
    return this.enqueue(content);
  }

  /**
   * A refused credential or login from a source that could be anyone: the first of its minute
   * (per client source, action and reason) is recorded at once, the others are counted.
   */
  async refusal(input: AuditInput, context: RequestContext): Promise<void> {
    const minute = Math.floor(this.clock.now().getTime() / MINUTE_MS);
    const key = JSON.stringify([clientSource(context.clientIp), input.action, input.outcome, input.reason ?? null, minute]);
    const aggregate = this.aggregates.get(key);
    if (aggregate) {
      aggregate.repeated += 1;
      return;
    }
    if (this.aggregates.size >= MAX_AGGREGATES) await this.flushAggregates(true);
    this.aggregates.set(key, { input, context, minute, repeated: 0 });
    await this.record(input, context);
  }

  /** Moves every committed outbox record into the chain; resolves once they are chained. */
  flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outboxWaiting = true;
      this.outboxWaiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** The record's content; a context without a request id is a record of no single request (an aggregate). */
  private contentOf(input: AuditInput, context: (Omit<RequestContext, 'requestId'> & { requestId?: string }) | undefined): AuditContent {
    const principal = context?.principal;
    // Under an impersonation token the run identity acts, on behalf of the viewer: both are kept.
    const impersonation = principal?.via.kind === 'impersonation' ? principal.via : undefined;
    const actor =
      input.actor ??
      (impersonation ? { userId: impersonation.actor.userId, login: impersonation.actor.login } : undefined) ??
      (principal ? { userId: principal.userId, login: principal.login } : undefined);
    const onBehalfOf = input.onBehalfOf ?? (impersonation && principal ? { userId: principal.userId, login: principal.login } : undefined);
    return storable({
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
      details: redactDeep(
        impersonation ? { ...input.details, impersonation: { runId: impersonation.runId, tokenId: impersonation.tokenId } } : (input.details ?? {}),
      ) as Record<string, unknown>,
    });
  }

  private enqueue(content: AuditContent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ content, resolve, reject, seq: (this.seq += 1) });
      this.pump();
    });
  }

  /**
   * Sends what can be sent. While the head is known, queued records go at once, batched by
   * whatever arrived while the batch before was on its way, each chained onto that batch's head
   * (up to {@link MAX_IN_FLIGHT} on their way, without waiting for each other's commit): one
   * round trip each. Otherwise (at start, after a batch did not land because another process
   * appended, after a failure, or to move the outbox) the batches in flight finish, then one
   * append reads the head itself.
   */
  private pump(): void {
    if (this.reading) return;
    if (this.queue.length === 0 && this.retry.length === 0 && !this.outboxWaiting) {
      if (this.inFlight === 0) for (const idle of this.idleWaiters.splice(0)) idle();
      return;
    }
    if (this.head === undefined || this.outboxWaiting || this.retry.length > 0) {
      if (this.inFlight > 0) return;
      this.reading = true;
      void this.appendReadingHead().finally(() => {
        this.reading = false;
        this.pump();
      });
      return;
    }
    while (this.head !== undefined && this.queue.length > 0 && this.inFlight < MAX_IN_FLIGHT) this.send(this.queue.splice(0, MAX_BATCH), this.head);
  }

  private send(batch: Pending[], head: string): void {
    let sent: { head: string; appended: Promise<boolean> };
    try {
      sent = this.repository.appendOnto(
        head,
        batch.map((p) => p.content),
      );
    } catch {
      // A record that cannot even be hashed: the slow path takes the batch apart.
      this.again(batch);
      queueMicrotask(() => this.pump());
      return;
    }
    this.inFlight += 1;
    this.head = sent.head;
    void sent.appended
      .then(
        (appended) => {
          if (appended) for (const p of batch) p.resolve();
          else this.again(batch);
        },
        () => this.again(batch),
      )
      .finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
  }

  /** A batch that did not land: the head is read again, and its records go first, in order. */
  private again(batch: Pending[]): void {
    this.head = undefined;
    this.retry = [...this.retry, ...batch].sort((a, b) => a.seq - b.seq);
  }

  /** The slow append: reads the head (and moves the outbox if asked) in its own transaction. */
  private async appendReadingHead(): Promise<void> {
    const batch = [...this.retry.splice(0), ...this.queue.splice(0, MAX_BATCH)];
    const outbox = this.outboxWaiting;
    const waiters = outbox ? this.outboxWaiters.splice(0) : [];
    this.outboxWaiting = false;
    try {
      const { moved, head } = await this.repository.append(
        batch.map((p) => p.content),
        outbox,
      );
      this.head = head;
      if (moved >= OUTBOX_BATCH) this.outboxWaiting = true;
      for (const p of [...batch, ...waiters]) p.resolve();
      return;
    } catch (error) {
      // Whatever landed of what follows, the head is read again.
      this.head = undefined;
      if (batch.length + (outbox ? 1 : 0) <= 1) {
        this.logger.error({ err: error, count: batch.length }, 'audit append failed');
        for (const p of [...batch, ...waiters]) p.reject(error);
        return;
      }
    }
    // One bad record must not fail the others: each alone, then the outbox alone.
    for (const p of batch) {
      await this.repository.append([p.content]).then(
        () => p.resolve(),
        (error: unknown) => {
          this.logger.error({ err: error }, 'audit append failed');
          p.reject(error);
        },
      );
    }
    if (outbox) {
      await this.repository.append([], true).then(
        () => waiters.forEach((p) => p.resolve()),
        (error: unknown) => waiters.forEach((p) => p.reject(error)),
      );
    }
  }

  /** Resolves once nothing is queued or on its way. */
  private whenIdle(): Promise<void> {
    if (!this.reading && this.inFlight === 0 && this.queue.length === 0 && this.retry.length === 0 && !this.outboxWaiting) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes the counts of repeated refusals: those of minutes gone by, or all of them. */
  private async flushAggregates(all: boolean): Promise<void> {
    const minute = Math.floor(this.clock.now().getTime() / MINUTE_MS);
    const due = [...this.aggregates.entries()].filter(([, a]) => all || a.minute < minute);
    for (const [key] of due) this.aggregates.delete(key);
    await Promise.all(
      due
        .filter(([, a]) => a.repeated > 0)
        .map(([, a]) =>
          this.enqueue(
            this.contentOf(
              {
                ...a.input,
                details: {
                  ...a.input.details,
                  aggregated: { count: a.repeated, from: new Date(a.minute * MINUTE_MS).toISOString(), to: new Date((a.minute + 1) * MINUTE_MS).toISOString() },
                },
              },
              { clientIp: a.context.clientIp, principal: a.context.principal },
            ),
          ).catch((error: unknown) => this.logger.error({ err: error }, 'aggregated audit record failed')),
        ),
    );
  }

  /** Lets every queued record commit before the pools close (they close in the next phase). */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flushAggregates(true);
    await this.whenIdle();
  }
}
