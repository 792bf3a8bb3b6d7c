import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeApp, createApp } from './app';
import { loadConfigOrExit } from './platform/config/config';
import { DatabaseServer, openDatabaseServer } from './platform/database/database-server';
import { MigrationError, migrate, readMigrations } from './platform/database/migrations';
import { createLogger } from '@behalf/server';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let server: DatabaseServer | undefined;
  let app: NestFastifyApplication | undefined;
  let stopping = false;

  // Order matters: stop accepting and drain in-flight requests (bounded), close the pool (the
  // app's module-destroy hooks), and only then stop the embedded database the pool was using.
  const shutdown = async (reason: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.http.shutdownTimeoutMs).unref());
    if (app && (await Promise.race([closeApp(app).then(() => 'closed' as const), timeout])) === 'timeout') {
      logger.warn({ timeoutMs: config.http.shutdownTimeoutMs }, 'in-flight requests did not finish in time');
      code ||= 1;
    }
    await server?.embedded?.stop().catch((error: unknown) => logger.error({ err: error }, 'stopping PostgreSQL failed'));
    logger.flush(() => process.exit(code));
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.once('SIGINT', () => void shutdown('SIGINT', 0));

  try {
    server = await openDatabaseServer(config, logger);
    await migrate(server.url, logger);
    const migrations = (await readMigrations()).map((m) => m.name);
    app = await createApp({ config, logger, databaseUrl: server.url, migrations });
    await app.listen({ port: config.http.port, host: config.http.host });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
    const url = `http://${host}:${port}`;
    logger.info({ url, publicUrl: config.http.publicUrl }, `Behalf API listening on ${url}`);
  } catch (error) {
    if (error instanceof MigrationError) {
      logger.fatal({ migration: error.migration, reason: error.reason }, error.message);
    } else {
      logger.fatal({ err: error }, `start-up failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await shutdown('start-up failed', 1);
  }
}

void main();
