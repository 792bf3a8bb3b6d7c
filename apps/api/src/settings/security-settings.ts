import type { SecuritySettings } from '@behalf/contracts';
import { LIFETIME_BOUNDS } from '@behalf/contracts';
import { z } from 'zod';

export const SECURITY_SETTINGS_KEY = 'security';

export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = {
  allowImpersonatingAdmins: false,
  hideAccessTokens: false,
  identityTokenLifetimeSeconds: 300,
  impersonationTokenLifetimeSeconds: 300,
  backendTokenLifetimeSeconds: 3600,
  maxRunLifetimeSeconds: 7 * 24 * 3600,
};

type Lifetime = keyof typeof LIFETIME_BOUNDS;
const LIFETIMES = Object.keys(LIFETIME_BOUNDS) as Lifetime[];

function lifetimeFrom(value: unknown, name: Lifetime): number {
  const { min, max } = LIFETIME_BOUNDS[name];
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : DEFAULT_SECURITY_SETTINGS[name];
}

/** Reads a stored document leniently: unknown or malformed fields fall back to their defaults. */
export function securitySettingsFrom(stored: unknown): SecuritySettings {
  const value = (stored ?? {}) as Partial<Record<keyof SecuritySettings, unknown>>;
  const flag = (name: 'allowImpersonatingAdmins' | 'hideAccessTokens') => (typeof value[name] === 'boolean' ? value[name] : DEFAULT_SECURITY_SETTINGS[name]);
  return {
    allowImpersonatingAdmins: flag('allowImpersonatingAdmins'),
    hideAccessTokens: flag('hideAccessTokens'),
    ...(Object.fromEntries(LIFETIMES.map((name) => [name, lifetimeFrom(value[name], name)])) as Record<Lifetime, number>),
  };
}

const seconds = (name: Lifetime) => {
  const { min, max } = LIFETIME_BOUNDS[name];
  const message = `expected a whole number of seconds from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message).optional();
};

export const patchSecuritySettingsBody = z.strictObject({
  allowImpersonatingAdmins: z.boolean({ error: 'expected true or false' }).optional(),
  hideAccessTokens: z.boolean({ error: 'expected true or false' }).optional(),
  identityTokenLifetimeSeconds: seconds('identityTokenLifetimeSeconds'),
  impersonationTokenLifetimeSeconds: seconds('impersonationTokenLifetimeSeconds'),
  backendTokenLifetimeSeconds: seconds('backendTokenLifetimeSeconds'),
  maxRunLifetimeSeconds: seconds('maxRunLifetimeSeconds'),
});
