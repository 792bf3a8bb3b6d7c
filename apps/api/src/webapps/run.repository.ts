import { Injectable } from '@nestjs/common';
import type { RunAsSource, UserSummary, WebappRun } from '@behalf/contracts';
import { PgPool } from '../platform/database/pg-pool';
import { PrismaService } from '../platform/database/prisma.service';
import { Prisma } from '../platform/database/generated/client';

type Row = Prisma.WebappRunGetPayload<object>;

/** A run as stored; its end (`endsAt`) follows from the maximum run lifetime in force. */
export type RunRecord = Omit<WebappRun, 'endsAt'>;

function toRun(row: Row): RunRecord {
  return {
    id: row.id,
    webappId: row.webappId,
    identity: { userId: row.identityUserId, login: row.identityLogin, source: row.identitySource },
    startedBy: { id: row.startedByUserId, login: row.startedByLogin },
    upstreamUrl: row.upstreamUrl,
    status: row.stoppedAt ? 'stopped' : 'active',
    startedAt: row.startedAt.toISOString(),
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
    stopReason: row.stopReason,
  };
}

/** What authenticating a backend token needs to know about its run (its identity is a user profile). */
export interface RunState {
  webappId: string;
  identityUserId: string;
  startedAt: Date;
  /** Stopped, or past the maximum run lifetime. */
  stopped: boolean;
}

const RUN_STATE_SQL = `
  SELECT webapp_id::text AS webapp_id, identity_user_id::text AS identity_user_id, started_at, stopped_at IS NOT NULL AS stopped
    FROM webapp_runs
   WHERE id = $1`;

@Injectable()
export class RunRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pool: PgPool,
  ) {}

  async create(run: {
    webappId: string;
    identity: UserSummary & { source: RunAsSource };
    startedBy: UserSummary;
    upstreamUrl: string | null;
    at: Date;
  }): Promise<RunRecord> {
    return toRun(
      await this.prisma.webappRun.create({
        data: {
          webappId: run.webappId,
          identityUserId: run.identity.id,
          identityLogin: run.identity.login,
          identitySource: run.identity.source,
          startedByUserId: run.startedBy.id,
          startedByLogin: run.startedBy.login,
          upstreamUrl: run.upstreamUrl,
          startedAt: run.at,
        },
      }),
    );
  }

  async get(webappId: string, runId: string): Promise<RunRecord | null> {
    const row = await this.prisma.webappRun.findFirst({ where: { id: runId, webappId } });
    return row ? toRun(row) : null;
  }

  /** Newest first; `startedBy` limits the list to the runs one user started. */
  async list(webappId: string, startedBy: string | undefined, after: [string, string] | undefined, take: number): Promise<RunRecord[]> {
    const rows = await this.prisma.webappRun.findMany({
      where: {
        webappId,
        ...(startedBy ? { startedByUserId: startedBy } : {}),
        ...(after ? { OR: [{ startedAt: { lt: new Date(after[0]) } }, { startedAt: new Date(after[0]), id: { lt: after[1] } }] } : {}),
      },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRun);
  }

  /** Where a live run's backend listens; false when the run has stopped (or does not exist). */
  async setUpstream(webappId: string, runId: string, url: string): Promise<boolean> {
    return (await this.prisma.webappRun.updateMany({ where: { id: runId, webappId, stoppedAt: null }, data: { upstreamUrl: url } })).count > 0;
  }

  /** Marks the run stopped, saying why; false when it already was (or does not exist). */
  async stop(webappId: string, runId: string, at: Date, reason: string): Promise<boolean> {
    return (await this.prisma.webappRun.updateMany({ where: { id: runId, webappId, stoppedAt: null }, data: { stoppedAt: at, stopReason: reason } })).count > 0;
  }

  /** Live runs a change may concern: of one webapp, started by or running as some users, or all. */
  async live(scope: { webappId: string } | { userIds: string[] } | 'all'): Promise<RunRecord[]> {
    const rows = await this.prisma.webappRun.findMany({
      where: {
        stoppedAt: null,
        ...(scope === 'all'
          ? {}
          : 'webappId' in scope
            ? { webappId: scope.webappId }
            : { OR: [{ startedByUserId: { in: scope.userIds } }, { identityUserId: { in: scope.userIds } }] }),
      },
      orderBy: { startedAt: 'asc' },
    });
    return rows.map(toRun);
  }

  /** Live runs started before `startedBefore`: past the maximum lifetime. */
  async liveStartedBefore(startedBefore: Date, take: number): Promise<RunRecord[]> {
    const rows = await this.prisma.webappRun.findMany({ where: { stoppedAt: null, startedAt: { lte: startedBefore } }, orderBy: { startedAt: 'asc' }, take });
    return rows.map(toRun);
  }

  async state(runId: string): Promise<RunState | null> {
    const [row] = await this.pool.prepared<{ webapp_id: string; identity_user_id: string; started_at: Date; stopped: boolean }>(
      'behalf_run_state',
      RUN_STATE_SQL,
      [runId],
    );
    return row ? { webappId: row.webapp_id, identityUserId: row.identity_user_id, startedAt: row.started_at, stopped: row.stopped } : null;
  }
}
