import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { RunIdentity } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../kernel/request-context';
import { effectivePermissions } from '../auth/principal-of-user';
import { CLOCK, Clock } from '../kernel/clock';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { Transactions } from '../platform/database/transactions';
import type { RunAuthorityPort, RunScope } from '../identity/run-authority.port';
import { UserRepository, UserWithGroups } from '../identity/user.repository';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '@behalf/server';
import { SettingsService } from '../settings/settings.service';
import { runEndsAt } from './run-lifetime';
import { RunRecord, RunRepository } from './run.repository';
import { isListedViewer, startDecision } from './webapp-access';
import { WebappRecord, WebappRepository } from './webapp.repository';

/** How often runs past the maximum lifetime are looked for (their tokens are refused at once regardless). */
const LIFETIME_SWEEP_MS = 30_000;
const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Why a live run must stop, or null while its authority holds. */
export function lostAuthority(
  run: RunRecord,
  starter: UserWithGroups | null,
  identity: UserWithGroups | null,
  webapp: WebappRecord | null,
  endsAt: Date,
  now: Date,
): string | null {
  if (endsAt.getTime() <= now.getTime()) return 'max_lifetime';
  if (!starter) return 'starter_deleted';
  if (!starter.active) return 'starter_disabled';
  if (!identity) return 'identity_deleted';
  if (!identity.active) return 'identity_disabled';
  if (!webapp) return null; // deleted: its runs went with it
  const starterPrincipal = { userId: starter.id, login: starter.login, permissions: effectivePermissions(starter) };
  const seenByStarter = {
    ...webapp,
    callerIsViewer: isListedViewer(
      webapp.settings.viewers,
      starter.id,
      starter.groups.map((g) => g.id),
    ),
  };
  const runIdentity: RunIdentity = run.identity;
  const decision = startDecision(starterPrincipal, seenByStarter, () => effectivePermissions(identity), runIdentity);
  return decision.allowed ? null : `starter_${decision.reason}`;
}

/**
 * A run lives no longer than the authority behind it. After any change that may take authority
 * away (a user disabled, deleted or reset; a permission, membership, ownership or access setting
 * changed), the live runs it concerns are judged again by the start rule
 * (`webapp-access.ts#startDecision`) against their own identity, and those that fail stop in the
 * change's transaction, each with its audit record. Every replica refuses their tokens within a
 * second (the runs table notifies). Runs past the maximum lifetime are refused as soon as it
 * passes and marked stopped by a periodic sweep.
 */
/** `load`, remembering each id's value (a null too) for as long as the returned function lives. */
function readOnce<V>(load: (id: string) => Promise<V>): (id: string) => Promise<V> {
  const known = new Map<string, V>();
  return async (id) => {
    if (known.has(id)) return known.get(id) as V;
    const value = await load(id);
    known.set(id, value);
    return value;
  };
}

@Injectable()
export class RunAuthority implements RunAuthorityPort, OnApplicationBootstrap, OnApplicationShutdown {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runs: RunRepository,
    private readonly webapps: WebappRepository,
    private readonly users: UserRepository,
    private readonly settings: SettingsService,
    private readonly transactions: Transactions,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepTimer = setInterval(() => {
      void this.stopExpired().catch((error: unknown) => this.logger.warn({ err: error }, 'run lifetime sweep failed'));
    }, LIFETIME_SWEEP_MS);
    this.sweepTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
  }

  async reconcile(scope: RunScope, ctx?: RequestContext): Promise<void> {
    const live = await this.runs.live(scope);
    if (live.length === 0) return;
    const now = this.clock.now();
    const { maxRunLifetimeSeconds } = await this.settings.security();
    // Each user and webapp read once per reconciliation, however many runs share it.
    const userOf = readOnce((id) => this.users.withGroups(id));
    const webappOf = readOnce((id) => this.webapps.get(id, NOBODY));
    for (const run of live) {
      const reason = lostAuthority(
        run,
        await userOf(run.startedBy.id),
        await userOf(run.identity.userId),
        await webappOf(run.webappId),
        runEndsAt(run.startedAt, maxRunLifetimeSeconds),
        now,
      );
      if (reason) await this.stop(run, reason, ctx);
    }
  }

  async stopRunsOf(userId: string, reason: string, ctx?: RequestContext): Promise<void> {
    for (const run of await this.runs.live({ userIds: [userId] })) await this.stop(run, reason, ctx);
  }

  /** Stops one run for `reason`, with its record, in the ambient transaction (or one of its own). */
  async stop(run: Pick<RunRecord, 'id' | 'webappId' | 'identity' | 'startedBy'>, reason: string, ctx?: RequestContext): Promise<boolean> {
    return this.transactions.run(async () => {
      if (!(await this.runs.stop(run.webappId, run.id, this.clock.now(), reason))) return false;
      // Other replicas learn it from the table's notification; this one once it commits.
      this.feed.changed('webapp_runs');
      await this.audit.record(
        {
          action: 'webapp.run.stop',
          outcome: 'succeeded',
          reason,
          target: { type: 'webapp_run', id: run.id },
          webappId: run.webappId,
          details: { identity: run.identity, startedBy: run.startedBy },
        },
        ctx,
      );
      return true;
    });
  }

  /** Marks runs past the maximum lifetime stopped (one replica wins each; the others find it stopped). */
  async stopExpired(): Promise<number> {
    const { maxRunLifetimeSeconds } = await this.settings.security();
    const expired = await this.runs.liveStartedBefore(new Date(this.clock.now().getTime() - maxRunLifetimeSeconds * 1000), 500);
    let stopped = 0;
    for (const run of expired) if (await this.stop(run, 'max_lifetime')) stopped += 1;
    return stopped;
  }
}
