import { Pool } from 'pg';
import { loadConfigOrExit } from '../platform/config/config';
import { DatabaseServer, openDatabaseServer } from '../platform/database/database-server';
import { createLogger } from '@behalf/server';
import { loadKeyRing } from '../crypto/key-ring.provider';
import { rewrapAll, SealedStores } from '../crypto/sealed-store';
import { userSecretStore } from '../secrets/user-secret.sealed-store';
import { signingKeyStore } from '../tokens/signing-key.sealed-store';
import { REWRAP_BATCH_SIZE } from './kek.service';

/**
 * `npm run kek:rewrap`: re-wraps every data key to the newest KEK in BEHALF_KEK, in batches of
 * 100, against `DATABASE_URL` or the embedded database in `BEHALF_DATA_DIR` (with the API
 * stopped). Interrupt it at any point and run it again: it resumes. Exit code 1 when a record
 * could not be moved; they are named.
 */
async function run(): Promise<number> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let server: DatabaseServer | undefined;
  let pool: Pool | undefined;
  try {
    const ring = await loadKeyRing(config, logger);
    server = await openDatabaseServer(config, logger);
    pool = new Pool({ connectionString: server.url, max: 1, application_name: 'behalf-kek-rewrap' });
    const report = await rewrapAll(pool, ring, new SealedStores([signingKeyStore, userSecretStore]), { batchSize: REWRAP_BATCH_SIZE });
    for (const f of report.failed) logger.error(f, `could not re-wrap ${f.record}: ${f.reason}`);
    logger.info(
      report,
      `re-wrapped ${report.rewrapped.signingKeys} signing key(s) and ${report.rewrapped.userSecrets} secret(s) to KEK version ${report.currentVersion}`,
    );
    return report.failed.length === 0 ? 0 : 1;
  } catch (error) {
    logger.fatal({ err: error }, `re-wrap failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await pool?.end();
    await server?.embedded?.stop();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

void run().then((code) => process.exit(code));
