import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { readMigrations } from '../src/platform/database/migrations';
import { createTestDatabase } from './harness';
import { spawnServer, stop, stopSpawned } from './spawn';

/**
 * The built server as `npm start` runs it, in its own process: start-up, the embedded database,
 * concurrent replicas, bad configuration, failed migrations, and SIGTERM.
 */
afterEach(stopSpawned);

describe('the API process', () => {
  it('starts an embedded PostgreSQL when DATABASE_URL is unset, serves /readyz, and stops both on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'behalf-start-'));
    // As `npm start` on a fresh clone: no BEHALF_KEK, so a development ring is generated.
    const server = spawnServer({ BEHALF_DATA_DIR: dataDir, BEHALF_KEK: '' });
    try {
      const url = await server.url;
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);

      // First start: the admin's generated password is printed once, outside the JSON logs.
      const password = /user "admin" created, password: (\S+)/.exec(server.output())?.[1];
      expect(password).toBeDefined();
      const jsonLines = server
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(jsonLines.some((l) => l.includes(password!))).toBe(false);
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { permissions: string[] }).permissions).toEqual(['admin']);
      expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(dataDir, 'kek'))).toBe(true);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);

      expect(await stop(server)).toBe(0);
      expect(server.output()).toContain('embedded PostgreSQL stopped');
      // PostgreSQL removes its pid file only on a clean shutdown.
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();

      // A second start on the same data finds its users: nothing is created or printed.
      const again = spawnServer({ BEHALF_DATA_DIR: dataDir, BEHALF_KEK: '' });
      const againUrl = await again.url;
      expect((await fetch(`${againUrl}/readyz`)).status).toBe(200);
      expect(again.output()).not.toContain('first start');
      expect(await stop(again)).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('runs each migration exactly once when two processes start at once on one empty database', async () => {
    const db = await createTestDatabase({ empty: true });
    const servers = [spawnServer({ DATABASE_URL: db.url }), spawnServer({ DATABASE_URL: db.url })];
    try {
      const urls = await Promise.all(servers.map((s) => s.url));
      for (const url of urls) expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
      await client.end();
      const names = (await readMigrations()).map((m) => m.name);
      expect(rows.map((r) => r.migration_name).sort()).toEqual(names);
      const appliedLines = servers.flatMap((s) =>
        s
          .output()
          .split('\n')
          .filter((l) => l.includes('"msg":"migration applied"')),
      );
      expect(appliedLines).toHaveLength(names.length);
    } finally {
      await Promise.all(servers.map(stop));
      await db.drop();
    }
  });

  it('refuses to start on bad configuration, naming every bad variable', async () => {
    const server = spawnServer({ PORT: 'eighty', NODE_ENV: 'staging', DATABASE_URL: 'mysql://root:hunter2@x/y' });
    expect(await server.exited).toBe(2);
    const output = server.output();
    expect(output).toContain('PORT="eighty": expected a whole number from 0 to 65535');
    expect(output).toContain('NODE_ENV="staging": expected one of development, test, production');
    expect(output).toContain('DATABASE_URL=(hidden): expected a postgresql:// URL');
    expect(output).not.toContain('hunter2');
  });

  it('stops start-up when a migration fails, naming the file and the PostgreSQL error', async () => {
    const db = await createTestDatabase({ empty: true });
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE settings (unrelated int)');
    await client.end();
    const server = spawnServer({ DATABASE_URL: db.url });
    try {
      expect(await server.exited).toBe(1);
      const output = server.output();
      const [init] = await readMigrations();
      expect(output).toContain(`Migration ${init.name}/migration.sql failed: relation \\"settings\\" already exists`);
    } finally {
      server.child.kill('SIGKILL');
      await db.drop();
    }
  });
});
