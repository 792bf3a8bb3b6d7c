import { Inject, Injectable } from '@nestjs/common';
import type { SecuritySettings } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { changesBetween } from '../common/changes';
import { RequestContext } from '../kernel/request-context';
import { GenerationalCache } from '../platform/cache/generational-cache';
import { CONFIG, Config } from '../platform/config/config';
import { ChangeFeed } from '../platform/cache/change-feed.service';
import { SECURITY_SETTINGS_KEY, securitySettingsFrom } from './security-settings';
import { SettingsRepository } from './settings.repository';

const TABLE = 'settings';

@Injectable()
export class SettingsService {
  /** Read on every runtime request: kept until the settings table notifies a change. */
  private readonly cache: GenerationalCache<SecuritySettings>;

  constructor(
    private readonly settings: SettingsRepository,
    private readonly feed: ChangeFeed,
    private readonly audit: AuditService,
    @Inject(CONFIG) config: Config,
  ) {
    this.cache = new GenerationalCache(config.decisionCacheTtlMs, 1);
  }

  security(): Promise<SecuritySettings> {
    return this.cache.through(
      SECURITY_SETTINGS_KEY,
      () => this.feed.tableGeneration(TABLE),
      async () => Object.freeze(securitySettingsFrom(await this.settings.get(SECURITY_SETTINGS_KEY))),
    );
  }

  async updateSecurity(patch: Partial<SecuritySettings>, ctx: RequestContext): Promise<SecuritySettings> {
    const before = await this.security();
    const after = { ...before, ...patch };
    await this.settings.put(SECURITY_SETTINGS_KEY, { ...after });
    // Other replicas learn it from the table's notification; this one at once.
    this.feed.changed(TABLE);
    const changes = changesBetween(before, after);
    await this.audit.record(
      { action: 'settings.security.update', outcome: 'succeeded', target: { type: 'settings', id: SECURITY_SETTINGS_KEY }, details: { changes } },
      ctx,
    );
    return after;
  }
}
