import type { ActingReason } from '@behalf/contracts';
import type { DecisionFacts } from '../impersonation/policy';
import { decide } from '../impersonation/policy';
import type { UserProfile } from '../identity/user.repository';
import type { WebappPolicy } from '../webapps/webapp.repository';
import { isListedViewer, webappAccess } from '../webapps/webapp-access';
import type { RunState } from '../webapps/run.repository';

export type { ActingReason };

/** Why a backend may not act as a viewer: every reason but `allowed` and `self`. */
export type ActingRefusal = Exclude<ActingReason, 'allowed' | 'self'>;

/** The answer, a discriminated union: allowed (as oneself, or by a grant), or refused with its reason. */
export type ActingDecision =
  { allowed: true; reason: 'allowed' | 'self'; grant?: DecisionFacts['grant'] } | { allowed: false; reason: ActingRefusal; grant?: DecisionFacts['grant'] };

/** Everything one decision reads, from the runtime's caches. */
export interface ActingFacts {
  /** The run the actor token belongs to, and the actor it names (its `sub`). */
  run: RunState;
  actorId: string;
  webapp: WebappPolicy;
  /** The viewer's profile, for the webapp's access setting (their groups and permissions). */
  viewer: UserProfile;
  /** Actor, subject (their status and admin flag) and the best grant between them: the impersonation policy's facts. */
  grantFacts: DecisionFacts;
}

/** May `viewer` (by profile) view the webapp: its access setting, its owner, admins. */
export function mayView(viewer: UserProfile, webapp: WebappPolicy): boolean {
  const callerIsViewer = isListedViewer(
    webapp.settings.viewers,
    viewer.id,
    viewer.groups.map((g) => g.id),
  );
  return webappAccess({ userId: viewer.id, permissions: new Set(viewer.permissions) }, { ...webapp, callerIsViewer }) !== 'none';
}

/**
 * The five rules of DESIGN.md's impersonation policy for one backend and one viewer, as a pure
 * function: used to issue a token (the exchange) and, on every request, to accept one. Rule 5
 * (the actor token is a backend token) is the token verification's. The order of the checks
 * decides which reason a many-times-refused request gets: the webapp and run first, then the
 * parties' status, the viewer's access to the webapp, then the grant rules.
 */
export function actingDecision(facts: ActingFacts, now: Date): ActingDecision {
  const { run, webapp, grantFacts } = facts;
  if (!webapp.settings.allowImpersonation) return { allowed: false, reason: 'impersonation_not_allowed' };
  if (run.stopped) return { allowed: false, reason: 'run_stopped' };
  if (run.webappId !== webapp.id || run.identityUserId !== facts.actorId || grantFacts.actor.id !== facts.actorId) {
    return { allowed: false, reason: 'not_run_identity' };
  }
  if (!grantFacts.actor.active) return { allowed: false, reason: 'actor_disabled' };
  if (!grantFacts.subject.active) return { allowed: false, reason: 'subject_disabled' };
  if (!mayView(facts.viewer, webapp)) return { allowed: false, reason: 'viewer_cannot_view' };
  return decide(grantFacts, now);
}
