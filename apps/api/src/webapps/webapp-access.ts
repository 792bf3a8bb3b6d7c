import type { RunIdentity, UserSummary, WebappSettings } from '@behalf/contracts';
import type { Principal } from '../auth/principal';
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
