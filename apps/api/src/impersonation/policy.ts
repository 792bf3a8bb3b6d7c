import type { ImpersonationReason } from '@behalf/contracts';

/** What one decision depends on, as read in one statement (or from the cache). */
export interface DecisionFacts {
  actor: { id: string; login: string; active: boolean; admin: boolean };
  subject: { id: string; login: string; active: boolean; admin: boolean };
  /** The best grant from a group of the actor to a group of the subject: unexpired first. */
  grant?: {
    sourceGroup: { id: string; name: string };
    targetGroup: { id: string; name: string };
    reason: string;
    expiresAt: Date | null;
  };
  allowImpersonatingAdmins: boolean;
}

/** The facts the grants' tables hold (the rest, a security setting, comes from the settings). */
export type GrantFacts = Omit<DecisionFacts, 'allowImpersonatingAdmins'>;

/** The policy's answer: allowed (as oneself, or by a grant), or refused with the rule's reason. */
export type Decision =
  | { allowed: true; reason: Extract<ImpersonationReason, 'allowed' | 'self'>; grant?: DecisionFacts['grant'] }
  | { allowed: false; reason: Exclude<ImpersonationReason, 'allowed' | 'self'>; grant?: DecisionFacts['grant'] };

/**
 * The impersonation policy, rules 2–4 of DESIGN.md, as a pure function. The order of the checks
 * is part of the contract (it decides which reason a many-times-refused request gets): a disabled
 * party first, then impersonating oneself (always allowed), then the admin rule, then grants.
 */
export function decide(facts: DecisionFacts, now: Date): Decision {
  const { actor, subject, grant } = facts;
  if (!actor.active) return { allowed: false, reason: 'actor_disabled' };
  if (!subject.active) return { allowed: false, reason: 'subject_disabled' };
  if (actor.id === subject.id) return { allowed: true, reason: 'self' };
  if (subject.admin && !(facts.allowImpersonatingAdmins && actor.admin)) return { allowed: false, reason: 'subject_is_admin' };
  if (!grant) return { allowed: false, reason: 'no_grant' };
  if (grant.expiresAt !== null && grant.expiresAt <= now) return { allowed: false, reason: 'grant_expired', grant };
  return { allowed: true, reason: 'allowed', grant };
}
