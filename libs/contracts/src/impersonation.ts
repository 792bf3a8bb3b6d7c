/** A grant: members of `sourceGroup` (G1) may impersonate members of `targetGroup` (G2). */
export interface ImpersonationGrant {
  sourceGroup: { id: string; name: string };
  targetGroup: { id: string; name: string };
  reason: string;
  expiresAt: string | null;
  createdAt: string;
  createdBy: { userId: string | null; login: string | null };
}

/**
 * Why a decision came out as it did. Checked in this order: actor_disabled, subject_disabled,
 * self, subject_is_admin, then allowed (an unexpired grant), grant_expired, no_grant.
 */
export type ImpersonationReason =
  | 'allowed'
  | 'self'
  | 'no_grant'
  | 'grant_expired'
  | 'subject_disabled'
  | 'actor_disabled'
  | 'subject_is_admin';

export const IMPERSONATION_REASONS = [
  'allowed',
  'self',
  'no_grant',
  'grant_expired',
  'subject_disabled',
  'actor_disabled',
  'subject_is_admin',
] as const satisfies readonly ImpersonationReason[];

/** The answer of `GET /api/v1/impersonation/check`. */
export interface ImpersonationDecision {
  allowed: boolean;
  reason: ImpersonationReason;
  actor: { id: string; login: string };
  subject: { id: string; login: string };
  /** When allowed by a grant (or refused because the only grants expired): that grant. */
  grant?: { sourceGroup: { id: string; name: string }; targetGroup: { id: string; name: string }; reason: string; expiresAt: string | null };
}

/** `GET|PATCH /api/v1/settings/security`. */
export interface SecuritySettings {
  /** May an admin impersonate another admin (default false)? */
  allowImpersonatingAdmins: boolean;
}
