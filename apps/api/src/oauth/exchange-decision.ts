import type { OAuthRefusalCode } from '@behalf/contracts';
import type { DecisionFacts } from '../impersonation/policy';
import { actingDecision } from '../runtime/acting-policy';
import type { ExchangeFacts } from '../runtime/runtime-facts.service';

/** What an exchange does, decided from its facts alone. */
export type ExchangeDecision =
  { kind: 'issue'; reason: 'allowed' | 'self'; grant: DecisionFacts['grant'] | null; lifetimeSeconds: number } | { kind: 'refuse'; code: OAuthRefusalCode };

/**
 * The token exchange's decision, a pure function of the facts its read model loaded once: the
 * acting policy (DESIGN.md's five rules) for the run's identity and the viewer, and the lifetime
 * of the token it issues. A viewer (or the webapp) gone since the token was signed is unknown.
 */
export function decideExchange(facts: ExchangeFacts, now: Date): ExchangeDecision {
  const { run, actor, webapp, viewer, grantFacts } = facts;
  if (!webapp || !viewer || !grantFacts) return { kind: 'refuse', code: 'subject_unknown' };
  const decision = actingDecision({ run, actorId: actor.id, webapp, viewer, grantFacts }, now);
  if (!decision.allowed) return { kind: 'refuse', code: decision.reason };
  return {
    kind: 'issue',
    reason: decision.reason,
    grant: decision.grant ?? null,
    lifetimeSeconds: facts.settings.impersonationTokenLifetimeSeconds,
  };
}
