import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@behalf/server';
import { LOGGER } from '../logging/logger.token';
import { KNOWN_MIGRATIONS } from './database.tokens';
import { PrismaService } from './prisma.service';

export type DatabaseReadiness = { ready: true } | { ready: false; reason: string };

const PROBE_TIMEOUT_MS = 2_000;

/** Answers the readiness probe: the database answers, and every known migration is applied. */
@Injectable()
export class DatabaseHealthService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(KNOWN_MIGRATIONS) private readonly migrations: readonly string[],
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async readiness(): Promise<DatabaseReadiness> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DatabaseReadiness>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, reason: 'The database did not answer in time.' }), PROBE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.check(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async check(): Promise<DatabaseReadiness> {
    let applied: Set<string>;
    try {
      const rows = await this.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      applied = new Set(rows.map((r) => r.migration_name));
    } catch (error) {
      // The probe answers in general words; the cause is for the operator's log.
      this.logger.warn({ err: error }, 'readiness: the migration history could not be read');
      return { ready: false, reason: 'The database is unreachable or has no migration history.' };
    }
    const pending = this.migrations.filter((name) => !applied.has(name));
    return pending.length === 0 ? { ready: true } : { ready: false, reason: `${pending.length} migration(s) pending: ${pending.join(', ')}.` };
  }
}
