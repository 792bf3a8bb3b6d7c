import type { ThrottlePolicies } from './login-throttle';

const MINUTE = 60_000;

/**
 * Password-login throttling (see `login-throttle.ts`): every attempt is counted before its
 * password is verified.
 * - One account from one client source (IPv4 address, IPv6 /64): 5 attempts within 15 minutes,
 *   then that pair waits 15 minutes. Another address is not locked out by it.
 * - One account from every source together: 10 attempts within 24 hours are free, then each
 *   further one waits a delay doubling from 1 s up to 5 minutes, so a distributed guesser gets a
 *   few hundred tries a day at most while the owner is at worst slowed down, never locked out.
 * - One client source, any accounts: 50 failed attempts within 15 minutes, then 15 minutes' wait.
 */
export const LOGIN_THROTTLES: ThrottlePolicies = {
  pair: { maxAttempts: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  client: { maxAttempts: 50, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  account: { freeAttempts: 10, windowMs: 24 * 60 * MINUTE, baseDelayMs: 1000, maxDelayMs: 5 * MINUTE },
};

/** How stale `lastSeenAt`/`lastUsedAt` may get before a request writes it again. */
export const TOUCH_INTERVAL_MS = MINUTE;
