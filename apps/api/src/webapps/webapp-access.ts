import type { Permission, RunIdentity, UserSummary, WebappSettings } from '@behalf/contracts';
import type { Principal } from '../kernel/principal';
import type { WebappRecord } from './webapp.repository';

/** What a principal may do with one webapp. */
export type WebappAccessLevel = 'none' | 'view' | 'manage';

/**
 * The one access check for webapps, denying by default. Admins and the owner manage it (edit,
 * settings, runs). Anyone authenticated views a `public` or `authenticated` webapp; a
 * `restricted` one only its listed viewers (users, or members of listed groups).
 */
export function webappAccess(
  principal: Pick<Principal, 'userId' | 'permissions'>,
  webapp: { owner: Pick<UserSummary, 'id'>; settings: Pick<WebappSettings, 'access'>; callerIsViewer: boolean },
): WebappAccessLevel {
  if (principal.permissions.has('admin') || webapp.owner.id === principal.userId) return 'manage';
  if (webapp.settings.access !== 'restricted' || webapp.callerIsViewer) return 'view';
  return 'none';
}

/** Whether a user (with these group ids) is among a webapp's listed viewers, by name or by group. */
export function isListedViewer(viewers: WebappSettings['viewers'], userId: string, groupIds: readonly string[]): boolean {
  return viewers.users.includes(userId) || groupIds.some((g) => viewers.groups.includes(g));
}

/**
 * Whom a run started by `starter` runs as: in `starter` mode the starter; otherwise the
 * explicitly chosen run-as user, or by default whoever modified the webapp last.
 */
export function runAsOf(webapp: Pick<WebappRecord, 'settings' | 'runAs' | 'lastModifiedBy'>, starter: UserSummary): RunIdentity {
  if (webapp.settings.identityMode === 'starter') return { userId: starter.id, login: starter.login, source: 'starter' };
  if (webapp.runAs) return { userId: webapp.runAs.id, login: webapp.runAs.login, source: 'explicit' };
  return { userId: webapp.lastModifiedBy.id, login: webapp.lastModifiedBy.login, source: 'last_modifier' };
}

/** Why a principal may not start a webapp (or keep a run of it going). */
export type StartRefusal =
  | { reason: 'cannot_view' }
  | { reason: 'not_a_manager' }
  /** The run identity holds permissions the starter lacks, and no admin pinned it. */
  | { reason: 'identity_outranks_starter'; identity: RunIdentity; missing: Permission[] };

/** The permissions `identity` holds that `starter` lacks (admin counts as every permission). */
export function permissionsBeyond(identity: ReadonlySet<Permission>, starter: ReadonlySet<Permission>): Permission[] {
  if (starter.has('admin')) return [];
  return [...identity].filter((p) => !starter.has(p)).sort();
}

/**
 * The one rule for starting a webapp, and for a run to go on living (a run lives no longer than
 * the authority behind it): managers start it, and in `starter` mode anyone who may view it; and
 * a run never gives its starter a permission they lack, unless an admin pinned that run-as user.
 */
export function startDecision(
  starter: Pick<Principal, 'userId' | 'login' | 'permissions'>,
  webapp: Pick<WebappRecord, 'owner' | 'settings' | 'runAs' | 'lastModifiedBy' | 'callerIsViewer'>,
  identityPermissions: (identity: RunIdentity) => ReadonlySet<Permission>,
  /** A live run's own identity, to judge whether it may go on; by default whom a run started now would run as. */
  identity: RunIdentity = runAsOf(webapp, { id: starter.userId, login: starter.login }),
): { allowed: true; identity: RunIdentity } | ({ allowed: false } & StartRefusal) {
  const access = webappAccess(starter, webapp);
  if (access === 'none') return { allowed: false, reason: 'cannot_view' };
  if (access !== 'manage' && webapp.settings.identityMode !== 'starter') return { allowed: false, reason: 'not_a_manager' };
  const pinned = identity.source === 'explicit' && webapp.settings.runAsPinnedByAdmin && webapp.runAs?.id === identity.userId;
  if (identity.userId === starter.userId || pinned) return { allowed: true, identity };
  const missing = permissionsBeyond(identityPermissions(identity), starter.permissions);
  return missing.length === 0 ? { allowed: true, identity } : { allowed: false, reason: 'identity_outranks_starter', identity, missing };
}

/** In words: who the webapp runs as, why, and who may start it so. */
export function explainRunAs(identity: RunIdentity, webapp: Pick<WebappRecord, 'settings'>, identityPermissions: readonly Permission[]): string {
  const held = identityPermissions.length > 0 ? ` They hold ${identityPermissions.join(', ')}.` : ' They hold no permission beyond viewing.';
  switch (identity.source) {
    case 'starter':
      return `Starter mode: each run acts as whoever starts it.`;
    case 'explicit':
      return webapp.settings.runAsPinnedByAdmin
        ? `Runs as ${identity.login}, pinned by an admin: any manager may start it so.${held}`
        : `Runs as ${identity.login}, who chose themselves; a starter lacking any of their permissions is refused until an admin pins them.${held}`;
    case 'last_modifier':
      return `Runs as ${identity.login}, who last changed what it runs (its source or kind); renames, ownership and settings never change this. A starter lacking any of their permissions is refused until an admin pins a run-as user.${held}`;
  }
}
