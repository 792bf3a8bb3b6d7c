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
export type ImpersonationReason = 'allowed' | 'self' | 'no_grant' | 'grant_expired' | 'subject_disabled' | 'actor_disabled' | 'subject_is_admin';

export const IMPERSONATION_REASONS = [
  'allowed',
  'self',
  'no_grant',
  'grant_expired',
  'subject_disabled',
  'actor_disabled',
  'subject_is_admin',
] as const satisfies readonly ImpersonationReason[];

/**
 * Why a webapp backend may (not) act as a viewer: the policy's reasons about people, and those of
 * the webapp (DESIGN.md rules 1 and 2): it allows impersonation, it has a live run running as the
 * actor, the viewer may view it. Checked in this order: impersonation_not_allowed, run_stopped,
 * not_run_identity, actor_disabled, subject_disabled, viewer_cannot_view, then as above.
 */
export type ActingReason = ImpersonationReason | 'impersonation_not_allowed' | 'run_stopped' | 'not_run_identity' | 'viewer_cannot_view';

export const ACTING_REASONS = [
  ...IMPERSONATION_REASONS,
  'impersonation_not_allowed',
  'run_stopped',
  'not_run_identity',
  'viewer_cannot_view',
] as const satisfies readonly ActingReason[];

/** The answer of `GET /api/v1/impersonation/check`. */
export interface ImpersonationDecision {
  allowed: boolean;
  /** Without a webapp, one of {@link ImpersonationReason}; with one, any {@link ActingReason}. */
  reason: ActingReason;
  actor: { id: string; login: string };
  subject: { id: string; login: string };
  /** Asked about a webapp: that webapp, and its live run running as the actor (null when it has none). */
  webapp?: { id: string; name: string; runId: string | null };
  /** When allowed by a grant (or refused because the only grants expired): that grant. */
  grant?: { sourceGroup: { id: string; name: string }; targetGroup: { id: string; name: string }; reason: string; expiresAt: string | null };
}

/** `GET|PATCH /api/v1/settings/security`. */
export interface SecuritySettings {
  /** May an admin impersonate another admin (default false)? */
  allowImpersonatingAdmins: boolean;
  /** When on, no secret and no token reaches any webapp backend through auth info (default false). */
  hideAccessTokens: boolean;
  /** Lifetime of identity tokens, 10–300 s (default 300). */
  identityTokenLifetimeSeconds: number;
  /** Lifetime of impersonation access tokens, 10–300 s (default 300). */
  impersonationTokenLifetimeSeconds: number;
  /** Lifetime of backend tokens, 60–3600 s (default 3600). */
  backendTokenLifetimeSeconds: number;
  /** Longest life of a webapp run, 300 s to 365 days (default 7 days): then it stops, and its tokens die. */
  maxRunLifetimeSeconds: number;
}

/** Bounds of the token and run lifetimes in {@link SecuritySettings}, in seconds. */
export const LIFETIME_BOUNDS = {
  maxRunLifetimeSeconds: { min: 300, max: 31_536_000 },
  identityTokenLifetimeSeconds: { min: 10, max: 300 },
  impersonationTokenLifetimeSeconds: { min: 10, max: 300 },
  backendTokenLifetimeSeconds: { min: 60, max: 3600 },
} as const;
