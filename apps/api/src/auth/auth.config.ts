import type { ThrottlePolicy } from './login-throttle.repository';

const MINUTE = 60_000;

/** 5 failed logins for one account within 15 minutes lock its password login for 15 minutes. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };

/** One client address may fail 50 logins (any accounts) within 15 minutes, then waits 15. */
export const IP_THROTTLE: ThrottlePolicy = { maxFailures: 50, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };

/** How stale `lastSeenAt`/`lastUsedAt` may get before a request writes it again. */
export const TOUCH_INTERVAL_MS = MINUTE;
