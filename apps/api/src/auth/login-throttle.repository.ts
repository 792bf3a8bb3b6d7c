import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface ThrottlePolicy {
  /** Failures within the window that lock the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

/** Failed-login counters shared by every replica; `now` comes from the caller's clock. */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly prisma: PrismaService) {}

  async lockedUntil(key: string, now: Date): Promise<Date | null> {
    const row = await this.prisma.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
    return row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null;
  }

  /**
   * Counts one failure atomically (one statement, safe under concurrency): a window older than
   * the policy's starts over; reaching the maximum sets the lock.
   */
  async recordFailure(key: string, now: Date, policy: ThrottlePolicy): Promise<ThrottleState> {
    const windowStart = new Date(now.getTime() - policy.windowMs);
    const lockUntil = new Date(now.getTime() + policy.lockMs);
    const [row] = await this.prisma.$queryRaw<{ failures: number; locked_until: Date | null }[]>`
      INSERT INTO login_throttles AS t (key, failures, window_started_at, locked_until)
      VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${policy.maxFailures} THEN ${lockUntil}::timestamptz END)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END,
        window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
        locked_until = CASE
          WHEN (CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END) >= ${policy.maxFailures}
            THEN ${lockUntil}::timestamptz
          WHEN t.locked_until > ${now} THEN t.locked_until
          ELSE NULL END
      RETURNING failures, locked_until`;
    return { failures: row.failures, lockedUntil: row.locked_until };
  }

  async reset(key: string): Promise<void> {
    await this.prisma.loginThrottle.deleteMany({ where: { key } });
  }
}
