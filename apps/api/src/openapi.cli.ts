import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_VERSION, configureApp } from './app';
import { projectRoot } from './common/project-root';
import { loadConfig } from './platform/config/config';
import { readMigrations } from './platform/database/migrations';
import { createLogger } from '@behalf/server';

/** Where the committed OpenAPI document lives. */
export const OPENAPI_FILE = join(projectRoot(), 'apps/api/openapi.json');

/**
 * `npm run openapi`: writes the OpenAPI document generated from the code to
 * apps/api/openapi.json. The app is configured but not initialised: no database is contacted.
 */
async function run(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', BEHALF_LOG_LEVEL: 'silent' });
  const { app, document } = await configureApp({
    config,
    logger: createLogger('silent'),
    databaseUrl: 'postgresql://unused@127.0.0.1:1/unused',
    migrations: (await readMigrations()).map((m) => m.name),
  });
  await writeFile(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${OPENAPI_FILE} (version ${API_VERSION})\n`);
}

void run();
