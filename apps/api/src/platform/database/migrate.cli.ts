import { loadConfigOrExit } from '../config/config';
import { createLogger } from '@behalf/server';
import { DatabaseServer, openDatabaseServer } from './database-server';
import { MigrationError, migrate } from './migrations';

/**
 * `npm run db:migrate`: applies pending migrations and exits, against `DATABASE_URL` or, when it
 * is unset, the embedded database in `BEHALF_DATA_DIR` (started for the run and stopped after).
 */
async function run(): Promise<number> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let server: DatabaseServer | undefined;
  try {
    server = await openDatabaseServer(config, logger);
    const applied = await migrate(server.url, logger);
    logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'no migration pending');
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) logger.fatal({ migration: error.migration, reason: error.reason }, error.message);
    else logger.fatal({ err: error }, 'migration run failed');
    return 1;
  } finally {
    await server?.embedded?.stop();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

void run().then((code) => process.exit(code));
