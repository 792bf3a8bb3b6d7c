import { REFUSALS, RefusalCode } from '@behalf/contracts';

/**
 * Why a credential or a request was refused, in the catalogue's codes, and what it is about when
 * the code needs it: the policy rule that stopped holding for a revoked impersonation
 * (`no_grant`), the permission missing, the credential kind not accepted.
 */
export interface Refusal {
  code: RefusalCode;
  about?: string;
}

/** The audit record's `reason`: the code, and `:<about>` when there is one. */
export function refusalReason(refusal: Refusal): string {
  return refusal.about ? `${refusal.code}:${refusal.about}` : refusal.code;
}

/** What the API tells the caller: the code's message, naming what it is about when there is one. */
export function refusalMessage(refusal: Refusal | undefined): string {
  if (!refusal) return 'The credential presented is not valid.';
  const message = REFUSALS[refusal.code].message;
  return refusal.about ? `${message.slice(0, -1)}: ${refusal.about}.` : message;
}
