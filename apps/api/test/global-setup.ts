import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, EmbeddedDatabase } from '../src/platform/database/embedded-postgres';
import { migrate } from '../src/platform/database/migrations';
import { createLogger } from '@behalf/server';
import { databaseUrl, TEST_ADMIN_URL, TEST_DB_PREFIX, TEST_TEMPLATE_DB } from './test-env';

declare global {
  // Shared between global set-up and teardown, which run in the same process.
  var __behalfTestDatabase: { embedded?: EmbeddedDatabase; dir?: string; adminUrl: string; template: string } | undefined;
}

/**
 * Starts one PostgreSQL for the whole run (embedded, or the server of `DATABASE_URL` when set),
 * and migrates a template database once. Each test file then clones its own database from the
 * template (see `harness.ts`), so files are isolated and run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  const logger = createLogger(process.env.BEHALF_TEST_LOG_LEVEL ?? 'warn');
  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = await mkdtemp(join(tmpdir(), 'behalf-test-'));
    // A throwaway cluster: durability is not wanted, speed is.
    embedded = await startEmbeddedPostgres(join(dir, 'pg'), logger, ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300']);
    adminUrl = embedded.adminUrl;
  }
  const template = `behalf_template_${process.pid}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.query(`CREATE DATABASE ${template}`);
  } finally {
    await client.end();
  }
  await migrate(databaseUrl(adminUrl, template), logger);
  process.env[TEST_ADMIN_URL] = adminUrl;
  process.env[TEST_TEMPLATE_DB] = template;
  process.env[TEST_DB_PREFIX] = `behalf_test_${process.pid}_`;
  globalThis.__behalfTestDatabase = { embedded, dir, adminUrl, template };
}
