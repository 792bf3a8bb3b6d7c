import { REFUSALS, RefusalCode } from '@behalf/contracts';

/**
 * Why a credential or a request was refused, in the catalogue's codes; a revoked impersonation
 * also names the policy rule that stopped holding.
 */
export interface Refusal {
  code: RefusalCode;
  rule?: RefusalCode;
}

/** The audit record's `reason`: the code, and `:<rule>` when there is one. */
export function refusalReason(refusal: Refusal): string {
  return refusal.rule ? `${refusal.code}:${refusal.rule}` : refusal.code;
}

/** What the API tells the caller: the code's message, naming the rule when there is one. */
export function refusalMessage(refusal: Refusal | undefined): string {
  if (!refusal) return 'The credential presented is not valid.';
  const message = REFUSALS[refusal.code].message;
  return refusal.rule ? `${message.slice(0, -1)}: ${refusal.rule}.` : message;
}
