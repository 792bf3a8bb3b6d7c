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
