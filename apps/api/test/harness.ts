import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { closeApp, createApp } from '../src/app';
import type { Clock } from '../src/kernel/clock';
import { Config, loadConfig } from '../src/platform/config/config';
import { readMigrations } from '../src/platform/database/migrations';
import { createLogger } from '@behalf/server';
import { databaseUrl, requireTestEnv, TEST_ADMIN_URL, TEST_DB_PREFIX, TEST_TEMPLATE_DB } from './test-env';

/** The first-start admin's password in every test app. */
export const ADMIN_PASSWORD = 'test-admin-password-0';

/** The key-encryption key ring of every test app (tests of the ring itself pass their own). */
export const TEST_KEK = `1:${Buffer.alloc(32, 0x4b).toString('base64')}`;

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: requireTestEnv(TEST_ADMIN_URL) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database of this test file's own: a clone of the migrated template, or an empty one
 * (`{ empty: true }`) for tests of migrations themselves.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `${requireTestEnv(TEST_DB_PREFIX)}${randomBytes(6).toString('hex')}`;
  const template = options.empty ? 'template0' : requireTestEnv(TEST_TEMPLATE_DB);
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: databaseUrl(requireTestEnv(TEST_ADMIN_URL), name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Every line the app logged, parsed, for tests that look at what was (not) written. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  config: Config;
  database: TestDatabase;
  logs: LogCapture;
  /** Stops the app and removes its own data directory; its database stays (for the next app). */
  stop(): Promise<void>;
  /** {@link stop}, and drops the database unless the test passed it in. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  extraModules?: Type[];
  /** Use this database instead of a fresh clone (it is not dropped on close). */
  database?: TestDatabase;
  /** Override the migrations the readiness probe expects. */
  migrations?: string[];
  clock?: Clock;
}

/** The real application on a database of its own, driven with `app.inject` (no socket). */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  // A data directory (blobs) of its own unless the test shares one, never the working directory's.
  const ownDataDir = options.env?.BEHALF_DATA_DIR ? undefined : await mkdtemp(join(tmpdir(), 'behalf-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    BEHALF_LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    BEHALF_DB_POOL_SIZE: '4',
    BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BEHALF_KEK: TEST_KEK,
    ...(ownDataDir ? { BEHALF_DATA_DIR: ownDataDir } : {}),
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs);
  const migrations = options.migrations ?? (await readMigrations()).map((m) => m.name);
  const app = await createApp({
    config,
    logger,
    databaseUrl: database.url,
    migrations,
    extraModules: options.extraModules,
    clock: options.clock,
  }).catch(async (error: unknown) => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
    throw error;
  });
  await app.getHttpAdapter().getInstance().ready();
  const stop = async () => {
    await closeApp(app);
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  return {
    app,
    config,
    database,
    logs,
    stop,
    close: async () => {
      await stop();
      if (!options.database) await database.drop();
    },
  };
}

/** Runs one SQL statement (or several, without parameters) on `url` and returns the rows. */
export async function sql<T extends object = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
