import type { RefusalCode } from '@behalf/contracts';
/** A counter that allows `maxAttempts` within a window, then locks for `lockMs`. */
export interface LimitPolicy {
  maxAttempts: number;
  windowMs: number;
  lockMs: number;
}

/** A counter that allows `freeAttempts` within a window, then makes each attempt wait longer. */
export interface DelayPolicy {
  freeAttempts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ThrottlePolicies {
  /** One account from one client source. */
  pair: LimitPolicy;
  /** One client source, any accounts (successes are given back). */
  client: LimitPolicy;
  /** One account from every source. */
  account: DelayPolicy;
}

/** One stored counter. */
export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export type ThrottleKind = keyof ThrottlePolicies;

/** The reason a refusal names, per counter. */
export const THROTTLE_REASONS: Record<ThrottleKind, RefusalCode> = {
  client: 'client_locked_out',
  pair: 'account_locked_out',
  account: 'account_throttled',
};

export type AttemptDecision =
  | { allowed: true; next: Record<ThrottleKind, ThrottleState> }
  | {
      allowed: false;
      by: ThrottleKind;
      retryAt: Date;
      /** Counters to write (a lock this very attempt set); the others stay as they were. */
      next: Partial<Record<ThrottleKind, ThrottleState>>;
      /** This attempt is the one that locked the pair: worth its own audit record. */
      lockedNow: boolean;
    };

const ORDER: ThrottleKind[] = ['client', 'pair', 'account'];

/** The counter with this attempt added: a window that has passed, or a lock served, starts over. */
function counted(state: ThrottleState, windowMs: number, now: Date): Pick<ThrottleState, 'failures' | 'windowStartedAt'> {
  const served = state.lockedUntil !== null && state.lockedUntil.getTime() <= now.getTime();
  const expired = served || state.windowStartedAt.getTime() < now.getTime() - windowMs;
  return expired ? { failures: 1, windowStartedAt: now } : { failures: state.failures + 1, windowStartedAt: state.windowStartedAt };
}

/**
 * Whether one more login attempt may be verified, as a pure function of the three counters
 * (read under row locks, so concurrent attempts are decided one after the other). The attempt is
 * counted here, before any password is checked: forty parallel guesses get exactly as many
 * checks as the limit allows, however fast they arrive. A refused attempt changes nothing but
 * the lock it may set.
 */
export function decideAttempt(states: Record<ThrottleKind, ThrottleState>, policies: ThrottlePolicies, now: Date): AttemptDecision {
  const t = now.getTime();
  for (const kind of ORDER) {
    const lockedUntil = states[kind].lockedUntil;
    if (lockedUntil && lockedUntil.getTime() > t) return { allowed: false, by: kind, retryAt: lockedUntil, next: {}, lockedNow: false };
  }
  const next = {} as Record<ThrottleKind, ThrottleState>;
  for (const kind of ['client', 'pair'] as const) {
    const policy = policies[kind];
    const c = counted(states[kind], policy.windowMs, now);
    if (c.failures > policy.maxAttempts) {
      const retryAt = new Date(t + policy.lockMs);
      return { allowed: false, by: kind, retryAt, next: { [kind]: { ...c, lockedUntil: retryAt } }, lockedNow: kind === 'pair' };
    }
    next[kind] = { ...c, lockedUntil: null };
  }
  const { account } = policies;
  const c = counted(states.account, account.windowMs, now);
  const over = c.failures - account.freeAttempts;
  const delay = over >= 0 ? Math.min(account.baseDelayMs * 2 ** Math.min(over, 30), account.maxDelayMs) : 0;
  next.account = { ...c, lockedUntil: delay > 0 ? new Date(t + delay) : null };
  return { allowed: true, next };
}
