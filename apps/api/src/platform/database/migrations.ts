import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, DatabaseError } from 'pg';
import { projectRoot } from '../../common/project-root';
import { ADVISORY_LOCKS } from './advisory-locks';
import type { Logger } from '@behalf/server';

/** `prisma/migrations`, found from the compiled or the source tree alike. */
export const MIGRATIONS_DIR = join(projectRoot(), 'prisma/migrations');

/**
 * The advisory lock key Prisma's migration engine takes, so that our start-up step and a
 * `prisma migrate deploy` run elsewhere exclude each other too.
 */
export const MIGRATION_LOCK_KEY = ADVISORY_LOCKS.migrations;

export interface MigrationFile {
  /** The folder name, `<timestamp>_<name>`: Prisma's `migration_name`. */
  name: string;
  sql: string;
  /** Hex SHA-256 of the file, as Prisma records it. */
  checksum: string;
}

/** A migration failed: nothing of it was kept. Names the file and carries PostgreSQL's message. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    readonly reason: string,
  ) {
    super(`Migration ${migration}/migration.sql failed: ${reason}`);
    this.name = 'MigrationError';
  }
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && /^\d{14}_[A-Za-z0-9_]+$/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name, 'migration.sql'));
      return {
        name,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    }),
  );
}

/** Prisma's own definition of its history table, column for column. */
const CREATE_HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Names of the migrations the database has applied (finished, not rolled back). */
export async function appliedMigrationNames(client: Pick<Client, 'query'>): Promise<Set<string>> {
  const exists = await client.query<{ present: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return new Set();
  const rows = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Set(rows.rows.map((r) => r.migration_name));
}

function describe(error: unknown): string {
  if (error instanceof DatabaseError) {
    return [error.message, error.position ? `at character ${error.position}` : '', error.code ? `(SQLSTATE ${error.code})` : ''].filter(Boolean).join(' ');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Applies every pending migration, each in its own transaction together with its history row,
 * so a failing file leaves the database exactly as it was before that file. Replicas starting at
 * once serialise on the advisory lock; the second finds nothing left to do.
 *
 * @returns the names of the migrations this call applied.
 * @throws MigrationError naming the failing file and PostgreSQL's error.
 */
export async function migrate(databaseUrl: string, logger: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = new Client({ connectionString: databaseUrl, application_name: 'behalf-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, logger);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(client: Client, migrations: MigrationFile[], logger: Logger): Promise<string[]> {
  await client.query(CREATE_HISTORY_TABLE);
  const history = (await client.query<HistoryRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`))
    .rows;
  // A row that started and neither finished nor was rolled back is a failure Prisma recorded:
  // Prisma refuses to go on until someone resolves it, and so do we.
  const unresolved = history.find((r) => r.finished_at === null && r.rolled_back_at === null);
  if (unresolved) {
    throw new MigrationError(unresolved.migration_name, 'it is recorded as failed in _prisma_migrations; resolve it (prisma migrate resolve) before starting');
  }
  const applied = new Map(history.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]));
  const local = new Set(migrations.map((m) => m.name));
  for (const row of applied.values()) {
    if (!local.has(row.migration_name)) {
      logger.warn({ migration: row.migration_name }, 'the database has a migration that is not in prisma/migrations');
    }
  }
  const done: string[] = [];
  for (const migration of migrations) {
    const previous = applied.get(migration.name);
    if (previous) {
      if (previous.checksum !== migration.checksum) {
        logger.warn({ migration: migration.name }, 'an applied migration was edited since it ran (checksum differs)');
      }
      continue;
    }
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [randomUUID(), migration.checksum, migration.name],
      );
      await client.query(migration.sql);
      await client.query(
        `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1
         WHERE migration_name = $1 AND finished_at IS NULL`,
        [migration.name],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new MigrationError(migration.name, describe(error));
    }
    logger.info({ migration: migration.name }, 'migration applied');
    done.push(migration.name);
  }
  return done;
}
