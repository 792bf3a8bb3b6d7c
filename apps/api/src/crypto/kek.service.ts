import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { KekRewrapReport } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { RequestContext } from '../kernel/request-context';
import { ChangeFeed } from '../platform/database/change-feed.service';
import { PgPool } from '../platform/database/pg-pool';
import { LOGGER } from '../platform/logging/logger.token';
import type { Logger } from '../platform/logging/logger';
import type { KeyRing } from '../platform/config/key-ring';
import { KEY_RING } from './key-ring.provider';
import { recordsMissingFromRing, rewrapAll } from './sealed-records';

/** Records re-wrapped per transaction: bounded, so a re-wrap never holds many locks for long. */
export const REWRAP_BATCH_SIZE = 100;

/** The key ring's maintenance: the start-up inventory and re-wrapping to the current KEK. */
@Injectable()
export class KekService implements OnModuleInit {
  constructor(
    private readonly pool: PgPool,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(KEY_RING) private readonly ring: KeyRing,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Names, at start-up, every record the ring cannot open because it lacks the record's KEK version. */
  async onModuleInit(): Promise<void> {
    const missing = await recordsMissingFromRing(this.pool.raw, this.ring);
    if (missing.length === 0) return;
    const versions = [...new Set(missing.map((m) => m.kekVersion))].sort((a, b) => a - b);
    this.logger.error(
      { records: missing, missingVersions: versions, ringVersions: this.ring.versions },
      `BEHALF_KEK lacks key-encryption key version(s) ${versions.join(', ')}, needed by ${missing.length} record(s): ${missing
        .map((m) => `${m.record} (version ${m.kekVersion})`)
        .join('; ')}. Add the missing version(s) to BEHALF_KEK.`,
    );
  }

  async rewrap(ctx: RequestContext): Promise<KekRewrapReport> {
    const report = await rewrapAll(this.pool.raw, this.ring, { batchSize: REWRAP_BATCH_SIZE });
    this.feed.changed('signing_keys');
    await this.audit.record(
      {
        action: 'kek.rewrap',
        outcome: report.failed.length === 0 ? 'succeeded' : 'failed',
        target: { type: 'kek', id: String(report.currentVersion) },
        details: { ...report },
      },
      ctx,
    );
    return report;
  }
}
