import type { Pool, PoolClient } from 'pg';
import { KekVersionMissingError, rewrap, Sealed } from './envelope';
import type { KeyRing } from '../platform/config/key-ring';

/**
 * Every table holding values sealed under the key-encryption key ring, with how to name a record
 * to a person and the context its seal is bound to. Re-wrapping and the start-up inventory both
 * walk this list: a new sealed table is added here and nowhere else.
 */
interface SealedTable {
  kind: 'signing_key' | 'user_secret';
  /** Rows `{id, kek_version, wrapped_key, ciphertext, context, label}` after `$2` (by id), not on KEK `$1`, at most `$3`. */
  pendingSql: string;
  updateSql: string;
  /** Rows `{label, kek_version}` whose KEK version is not in `$1` (an int array). */
  missingSql: string;
}

const TABLES: SealedTable[] = [
  {
    kind: 'signing_key',
    pendingSql: `SELECT kid AS id, kek_version, wrapped_key, private_key AS ciphertext, 'signing-key:' || kid AS context, 'signing key ' || kid AS label
                   FROM signing_keys WHERE kek_version <> $1 AND ($2::text IS NULL OR kid > $2::text) ORDER BY kid LIMIT $3 FOR UPDATE SKIP LOCKED`,
    updateSql: `UPDATE signing_keys SET kek_version = $2, wrapped_key = $3 WHERE kid = $1 AND kek_version = $4`,
    missingSql: `SELECT 'signing key ' || kid AS label, kek_version FROM signing_keys WHERE kek_version <> ALL($1::int[]) ORDER BY kid`,
  },
  {
    kind: 'user_secret',
    pendingSql: `SELECT s.id::text AS id, s.kek_version, s.wrapped_key, s.ciphertext, 'user-secret:' || s.user_id || ':' || s.name AS context,
                        'secret "' || s.name || '" of user ' || u.login AS label
                   FROM user_secrets s JOIN users u ON u.id = s.user_id
                  WHERE s.kek_version <> $1 AND ($2::uuid IS NULL OR s.id > $2::uuid) ORDER BY s.id LIMIT $3 FOR UPDATE OF s SKIP LOCKED`,
    updateSql: `UPDATE user_secrets SET kek_version = $2, wrapped_key = $3 WHERE id = $1::uuid AND kek_version = $4`,
    missingSql: `SELECT 'secret "' || s.name || '" of user ' || u.login AS label, s.kek_version
                   FROM user_secrets s JOIN users u ON u.id = s.user_id WHERE s.kek_version <> ALL($1::int[]) ORDER BY u.login, s.name`,
  },
];

/** The seal context of a signing key's private key: binds it to its kid (as `pendingSql` does). */
export const signingKeyContext = (kid: string) => `signing-key:${kid}`;

/** The seal context of a user's secret: binds it to its owner and name (as `pendingSql` does). */
export const userSecretContext = (userId: string, name: string) => `user-secret:${userId}:${name}`;

export interface RewrapReport {
  /** The KEK version everything was moved to. */
  currentVersion: number;
  rewrapped: { signingKeys: number; userSecrets: number };
  /** Records that could not be moved (their KEK is missing, or they do not open): left untouched. */
  failed: { record: string; kekVersion: number; reason: string }[];
  /** False when stopped by `maxBatches` before the end: run again to resume. */
  complete: boolean;
}

interface PendingRow {
  id: string;
  kek_version: number;
  wrapped_key: Buffer;
  ciphertext: Buffer;
  context: string;
  label: string;
}

async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Re-wraps every sealed record's data key to the ring's current KEK, in batches of `batchSize`,
 * each batch one transaction. Values are never decrypted into the database or rewritten: only
 * the wrapped data key changes, after proving it still opens the value, and only if the row is
 * still on the version it was read with. Interrupted at any point, every record is on its old
 * or its new KEK, both in the ring; running it again resumes where it stopped.
 */
export async function rewrapAll(pool: Pool, ring: KeyRing, options: { batchSize: number; maxBatches?: number }): Promise<RewrapReport> {
  const report: RewrapReport = { currentVersion: ring.currentVersion, rewrapped: { signingKeys: 0, userSecrets: 0 }, failed: [], complete: false };
  let batches = 0;
  for (const table of TABLES) {
    let after: string | null = null;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return report;
      const rows = await inTransaction(pool, async (client) => {
        const pending = (await client.query<PendingRow>(table.pendingSql, [ring.currentVersion, after, options.batchSize])).rows;
        for (const row of pending) {
          const sealed: Sealed = { kekVersion: row.kek_version, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext };
          try {
            const moved = rewrap(ring, sealed, row.context);
            await client.query(table.updateSql, [row.id, moved.kekVersion, moved.wrappedKey, row.kek_version]);
            if (table.kind === 'signing_key') report.rewrapped.signingKeys += 1;
            else report.rewrapped.userSecrets += 1;
          } catch (error) {
            const reason =
              error instanceof KekVersionMissingError ? `KEK version ${row.kek_version} is not in BEHALF_KEK` : 'does not open with its KEK (altered or moved)';
            report.failed.push({ record: row.label, kekVersion: row.kek_version, reason });
          }
        }
        return pending;
      });
      batches += 1;
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
    }
  }
  report.complete = true;
  return report;
}

/** Records sealed with a KEK version the ring lacks, named for people: they cannot be opened. */
export async function recordsMissingFromRing(pool: Pool, ring: KeyRing): Promise<{ record: string; kekVersion: number }[]> {
  const missing: { record: string; kekVersion: number }[] = [];
  for (const table of TABLES) {
    const rows = (await pool.query<{ label: string; kek_version: number }>(table.missingSql, [ring.versions])).rows;
    missing.push(...rows.map((r) => ({ record: r.label, kekVersion: r.kek_version })));
  }
  return missing;
}
