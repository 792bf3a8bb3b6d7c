import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, LogCapture, sql as query, TestDatabase } from '../../../test/harness';
import { createLogger } from '@behalf/server';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from './migrations';

const logger = createLogger('silent', new LogCapture());

async function tables(url: string): Promise<string[]> {
  const rows = await query<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((r) => r.table_name);
}

/** A migrations folder of our own, for cases the real folder must never contain. */
async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'behalf-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterEach(() => db.drop());

  it('applies every migration of prisma/migrations and records each exactly as Prisma does', async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const applied = await migrate(db.url, logger);
    expect(applied).toEqual(files.map((f) => f.name));

    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      db.url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    ]);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; logs: string | null }>(
      db.url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    for (const [i, file] of files.entries()) {
      const bytes = await readFile(join(MIGRATIONS_DIR, file.name, 'migration.sql'));
      expect(rows[i]).toMatchObject({
        migration_name: file.name,
        checksum: createHash('sha256').update(bytes).digest('hex'),
        applied_steps_count: 1,
        logs: null,
      });
      expect(rows[i].finished_at).toBeInstanceOf(Date);
    }
  });

  it('applies nothing the second time', async () => {
    await migrate(db.url, logger);
    expect(await migrate(db.url, logger)).toEqual([]);
    const [{ count }] = await query<{ count: string }>(db.url, `SELECT count(*) FROM "_prisma_migrations"`);
    expect(Number(count)).toBe((await readMigrations()).length);
  });

  it('runs each migration exactly once when several processes migrate at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(db.url, logger)));
    const names = (await readMigrations()).map((m) => m.name);
    // One caller applied everything; the others found nothing left to do.
    expect(results.filter((r) => r.length > 0)).toEqual([names]);
    const rows = await query<{ migration_name: string }>(db.url, `SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows.map((r) => r.migration_name).sort()).toEqual(names);
  });

  it('leaves the database as it was when a migration fails, and names the file and the PostgreSQL error', async () => {
    const dir = await migrationsDir({
      '20260101000000_good': 'CREATE TABLE good (id int PRIMARY KEY);',
      '20260102000000_bad': 'CREATE TABLE half_done (id int);\nALTER TABLE missing_table ADD COLUMN x int;',
      '20260103000000_later': 'CREATE TABLE later (id int);',
    });
    try {
      const failure = await migrate(db.url, logger, dir).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MigrationError);
      const error = failure as MigrationError;
      expect(error.migration).toBe('20260102000000_bad');
      expect(error.message).toContain('20260102000000_bad/migration.sql');
      expect(error.reason).toContain('relation "missing_table" does not exist');
      expect(error.reason).toContain('SQLSTATE 42P01');

      // The good migration stays; nothing of the bad one (not even its first statement), no later one.
      expect(await tables(db.url)).toEqual(['_prisma_migrations', 'good']);
      const rows = await query<{ migration_name: string }>(db.url, `SELECT migration_name FROM "_prisma_migrations"`);
      expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_good']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to go on past a migration Prisma recorded as failed', async () => {
    await migrate(db.url, logger);
    await query(
      db.url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', '20991231000000_broken', now(), 0)`,
    );
    await expect(migrate(db.url, logger)).rejects.toThrow(/20991231000000_broken.*recorded as failed/);
  });
});
