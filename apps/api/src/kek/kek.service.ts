import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { KekRewrapReport } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { KEY_RING } from '../crypto/key-ring.provider';
import { recordsMissingFromRing, rewrapAll, SealedStores } from '../crypto/sealed-store';
import { RequestContext } from '../kernel/request-context';
import type { KeyRing } from '../crypto/key-ring';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { PgPool } from '../platform/database/pg-pool';
import type { Logger } from '@behalf/server';
import { LOGGER } from '../platform/logging/logger.token';

/** Records re-wrapped per transaction: bounded, so a re-wrap never holds many locks for long. */
export const REWRAP_BATCH_SIZE = 100;

/** The key ring's upkeep: the start-up inventory and re-wrapping to the current KEK, audited. */
@Injectable()
export class KekService implements OnApplicationBootstrap {
  constructor(
    private readonly pool: PgPool,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    private readonly stores: SealedStores,
    @Inject(KEY_RING) private readonly ring: KeyRing,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Names, at start-up (once every module registered its sealed stores), every record the ring cannot open. */
  async onApplicationBootstrap(): Promise<void> {
    const missing = await recordsMissingFromRing(this.pool.raw, this.ring, this.stores);
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
    const report = await rewrapAll(this.pool.raw, this.ring, this.stores, { batchSize: REWRAP_BATCH_SIZE });
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
