import { Injectable } from '@nestjs/common';
import type { SecuritySettings } from '@behalf/contracts';
import { AuditService } from '../audit/audit.service';
import { changesBetween } from '../common/changes';
import { RequestContext } from '../audit/request-context';
import { SECURITY_SETTINGS_KEY, securitySettingsFrom } from './security-settings';
import { SettingsRepository } from './settings.repository';

@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly audit: AuditService,
  ) {}

  async security(): Promise<SecuritySettings> {
    return securitySettingsFrom(await this.settings.get(SECURITY_SETTINGS_KEY));
  }

  async updateSecurity(patch: Partial<SecuritySettings>, ctx: RequestContext): Promise<SecuritySettings> {
    const before = await this.security();
    const after = { ...before, ...patch };
    await this.settings.put(SECURITY_SETTINGS_KEY, { ...after });
    const changes = changesBetween(before, after);
    await this.audit.record({ action: 'settings.security.update', outcome: 'succeeded', target: { type: 'settings', id: SECURITY_SETTINGS_KEY }, details: { changes } }, ctx);
    return after;
  }
}
