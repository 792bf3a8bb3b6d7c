import { join } from 'node:path';
import type { Config } from '../config/config';
import type { Logger } from '@behalf/server';
import { EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from './embedded-postgres';

/** The application database on an embedded cluster. */
const EMBEDDED_DATABASE = 'behalf';

export interface DatabaseServer {
  url: string;
  /** Present when this process started an embedded cluster: stop it last. */
  embedded?: EmbeddedDatabase;
}

/** `DATABASE_URL` when set (nothing is started); otherwise the embedded cluster in the data dir. */
export async function openDatabaseServer(config: Config, logger: Logger): Promise<DatabaseServer> {
  if (config.database.url) return { url: config.database.url };
  const embedded = await startEmbeddedPostgres(join(config.dataDir, 'pg'), logger);
  try {
    await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.urlFor(EMBEDDED_DATABASE), embedded };
}
