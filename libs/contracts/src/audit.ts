import type { AUDIT_OUTCOMES } from './codes';

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One record of the audit log. `details` never holds a password, secret value, token or cookie. */
export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  outcome: AuditOutcome;
  actor: { userId: string | null; login: string | null };
  onBehalfOf: { userId: string | null; login: string | null } | null;
  webappId: string | null;
  /**
   * What the action was on. `name` is not part of the record: it is the target's name when read
   * (a user's login; a group's, webapp's or dataset's name; a run's webapp's name), null for
   * other kinds and for a target that no longer exists.
   */
  target: { type: string; id: string | null; name: string | null } | null;
  reason: string | null;
  clientIp: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Result of `GET /api/v1/audit-events/verify`. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** The first record whose hash or link to its predecessor does not match. */
  firstBrokenId?: string;
}
