import type { SecuritySettings } from '@behalf/contracts';
import { z } from 'zod';

export const SECURITY_SETTINGS_KEY = 'security';

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = { allowImpersonatingAdmins: false };

/** Reads a stored document leniently: unknown or malformed fields fall back to their defaults. */
export function securitySettingsFrom(stored: unknown): SecuritySettings {
  const value = (stored ?? {}) as Partial<Record<keyof SecuritySettings, unknown>>;
  return {
    allowImpersonatingAdmins:
      typeof value.allowImpersonatingAdmins === 'boolean' ? value.allowImpersonatingAdmins : DEFAULT_SECURITY_SETTINGS.allowImpersonatingAdmins,
  };
}

export const patchSecuritySettingsBody = z.strictObject({
  allowImpersonatingAdmins: z.boolean({ error: 'expected true or false' }).optional(),
});
