import { Injectable } from '@nestjs/common';
import type { KekRewrapReport } from '@behalf/contracts';
import type { Pool } from 'pg';
import { KekVersionMissingError, rewrap, Sealed, UnsealError } from './envelope';
import type { KeyRing } from './key-ring';
import { inOwnPgTransaction } from '../platform/database/pg-pool';

/**
 * A table holding values sealed under the key-encryption key ring, described by the domain that
 * owns it (tokens: signing keys; secrets: users' secrets) and registered with {@link SealedStores}.
 * Re-wrapping and the start-up inventory walk every registered store and know no table.
 */
export interface SealedStore {
  /** The report's counter for this store. */
  name: keyof KekRewrapReport['rewrapped'];
  /** Rows `{id, kek_version, wrapped_key, ciphertext, context, label}` after `$2` (by id), not on KEK `$1`, at most `$3`, locked. */
  pendingSql: string;
  /** Sets row `$1`'s KEK version to `$2` and wrapped key to `$3`, if it is still on version `$4`. */
  updateSql: string;
  /** Rows `{label, kek_version}` whose KEK version is not in `$1` (an int array). */
  missingSql: string;
}

/** The registry of sealed stores: each owning module registers its own at construction. */
@Injectable()
export class SealedStores {
  private readonly stores = new Map<string, SealedStore>();

  constructor(stores: readonly SealedStore[] = []) {
    for (const store of stores) this.register(store);
  }

  register(store: SealedStore): void {
    if (this.stores.has(store.name)) throw new Error(`sealed store ${store.name} is registered twice`);
    this.stores.set(store.name, store);
  }

  get all(): readonly SealedStore[] {
    return [...this.stores.values()];
  }
}

interface PendingRow {
  id: string;
  kek_version: number;
  wrapped_key: Buffer;
  ciphertext: Buffer;
  context: string;
  label: string;
}

/** Why a record's seal cannot move; anything else (a database error) is no property of the record and propagates. */
function sealFailure(error: unknown, kekVersion: number): string | null {
  if (error instanceof KekVersionMissingError) return `KEK version ${kekVersion} is not in BEHALF_KEK`;
  if (error instanceof UnsealError) return 'does not open with its KEK (altered or moved)';
  return null;
}

/**
 * Re-wraps every sealed record's data key to the ring's current KEK, in batches of `batchSize`,
 * each batch one transaction. Values are never decrypted into the database or rewritten: only
 * the wrapped data key changes, after proving it still opens the value, and only if the row is
 * still on the version it was read with. Interrupted at any point, every record is on its old
 * or its new KEK, both in the ring; running it again resumes where it stopped. A record whose
 * seal cannot move is reported and left alone; a database error stops the run with its cause.
 */
export async function rewrapAll(
  pool: Pool,
  ring: KeyRing,
  stores: SealedStores,
  options: { batchSize: number; maxBatches?: number },
): Promise<KekRewrapReport> {
  const report: KekRewrapReport = { currentVersion: ring.currentVersion, rewrapped: { signingKeys: 0, userSecrets: 0 }, failed: [], complete: false };
  let batches = 0;
  for (const store of stores.all) {
    let after: string | null = null;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return report;
      const rows = await inOwnPgTransaction(pool, async (client) => {
        const pending = (await client.query<PendingRow>(store.pendingSql, [ring.currentVersion, after, options.batchSize])).rows;
        for (const row of pending) {
          const sealed: Sealed = { kekVersion: row.kek_version, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext };
          let moved: Sealed;
          try {
            moved = rewrap(ring, sealed, row.context);
          } catch (error) {
            const reason = sealFailure(error, row.kek_version);
            if (reason === null) throw error;
            report.failed.push({ record: row.label, kekVersion: row.kek_version, reason });
            continue;
          }
          await client.query(store.updateSql, [row.id, moved.kekVersion, moved.wrappedKey, row.kek_version]);
          report.rewrapped[store.name] += 1;
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
export async function recordsMissingFromRing(pool: Pool, ring: KeyRing, stores: SealedStores): Promise<{ record: string; kekVersion: number }[]> {
  const missing: { record: string; kekVersion: number }[] = [];
  for (const store of stores.all) {
    const rows = (await pool.query<{ label: string; kek_version: number }>(store.missingSql, [ring.versions])).rows;
    missing.push(...rows.map((r) => ({ record: r.label, kekVersion: r.kek_version })));
  }
  return missing;
}
