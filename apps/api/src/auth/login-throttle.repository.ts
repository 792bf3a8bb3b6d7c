import { Injectable } from '@nestjs/common';
import { inOwnPgTransaction, PgPool } from '../platform/database/pg-pool';
import { AttemptDecision, decideAttempt, ThrottleKind, ThrottlePolicies, ThrottleState } from './login-throttle';

interface Row {
  key: string;
  failures: number;
  window_started_at: Date;
  locked_until: Date | null;
}

/** The three counters of one attempt, by the account (lower-case login) and the client source. */
export function throttleKeys(login: string, source: string): Record<ThrottleKind, string> {
  return { client: `client:${source}`, pair: `pair:${login}\n${source}`, account: `account:${login}` };
}

/**
 * Login counters shared by every replica. Each attempt is decided in one short transaction that
 * holds the three rows' locks (taken in key order, so attempts never deadlock), on the plain `pg`
 * pool, never in a request's transaction: a refused or failed attempt stays counted.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly pg: PgPool) {}

  async attempt(keys: Record<ThrottleKind, string>, policies: ThrottlePolicies, now: Date): Promise<AttemptDecision> {
    return inOwnPgTransaction(this.pg.raw, async (client) => {
      const all = Object.values(keys);
      await client.query(
        `INSERT INTO login_throttles (key, failures, window_started_at) SELECT k, 0, $2 FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING`,
        [all, now],
      );
      const { rows } = await client.query<Row>(
        'SELECT key, failures, window_started_at, locked_until FROM login_throttles WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE',
        [all],
      );
      const byKey = new Map(rows.map((r) => [r.key, { failures: r.failures, windowStartedAt: r.window_started_at, lockedUntil: r.locked_until }]));
      const stateOf = (kind: ThrottleKind): ThrottleState => {
        const state = byKey.get(keys[kind]);
        // Inserted just above, in this transaction: a missing row is a bug, never a fresh start.
        if (!state) throw new Error(`login throttle row ${kind} vanished inside its transaction`);
        return state;
      };
      const states = Object.fromEntries((Object.keys(keys) as ThrottleKind[]).map((kind) => [kind, stateOf(kind)])) as Record<ThrottleKind, ThrottleState>;
      const decision = decideAttempt(states, policies, now);
      for (const [kind, state] of Object.entries(decision.next) as [ThrottleKind, ThrottleState][]) {
        await client.query('UPDATE login_throttles SET failures = $2, window_started_at = $3, locked_until = $4 WHERE key = $1', [
          keys[kind],
          state.failures,
          state.windowStartedAt,
          state.lockedUntil,
        ]);
      }
      return decision;
    });
  }

  /**
   * Forgets counters that say nothing any more: their window started before `olderThan` (the
   * longest window) and no lock is in force. Such a row counts as absent anyway, so a flood of
   * made-up logins leaves no lasting rows.
   * @returns how many were removed
   */
  async forgetStale(olderThan: Date, now: Date): Promise<number> {
    const result = await this.pg.raw.query('DELETE FROM login_throttles WHERE window_started_at < $1 AND (locked_until IS NULL OR locked_until <= $2)', [
      olderThan,
      now,
    ]);
    return result.rowCount ?? 0;
  }

  /** A verified password: the account's counters start over, and the source gets its attempt back. */
  async succeeded(keys: Record<ThrottleKind, string>): Promise<void> {
    await this.pg.raw.query('DELETE FROM login_throttles WHERE key = ANY($1::text[])', [[keys.pair, keys.account]]);
    await this.pg.raw.query('UPDATE login_throttles SET failures = GREATEST(failures - 1, 0) WHERE key = $1', [keys.client]);
  }
}
