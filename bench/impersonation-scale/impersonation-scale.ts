/**
 * `npm run bench:impersonation`: seeds 100,000 users, 10,000 groups, 1,000,000 memberships and
 * 50,000 grants, then measures impersonation decisions uncached (cache disabled), cached
 * (in-process), and through `GET /api/v1/impersonation/check` over HTTP on 127.0.0.1. Writes
 * bench/results/impersonation-scale.json. A benchmark, not a test: it asserts nothing, it reports.
 *
 * Uses DATABASE_URL when set (an empty database it may fill, or one a previous run filled), else an
 * embedded PostgreSQL in a temporary directory that it removes afterwards.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { closeApp, createApp } from '../../apps/api/src/app';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { loadConfig } from '../../apps/api/src/platform/config/config';
import { EmbeddedDatabase, ensureDatabase, startEmbeddedPostgres } from '../../apps/api/src/platform/database/embedded-postgres';
import { migrate, readMigrations } from '../../apps/api/src/platform/database/migrations';
import { ImpersonationService } from '../../apps/api/src/impersonation/impersonation.service';
import { quantile } from '../runtime/quantile';
import { createLogger } from '@behalf/server';

const ROOT = projectRoot();
const REPORT = join(ROOT, 'bench/results/impersonation-scale.json');
const USERS = 100_000;
const ADMIN_PASSWORD = 'bench-admin-password';

/** A small deterministic PRNG (mulberry32), so every run asks the same questions. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function summarize(latenciesMs: number[], elapsedMs: number) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: latenciesMs.length,
    p50Ms: Number(quantile(sorted, 0.5).toFixed(4)),
    p99Ms: Number(quantile(sorted, 0.99).toFixed(4)),
    maxMs: Number(sorted[sorted.length - 1].toFixed(4)),
    opsPerSecond: Math.round((latenciesMs.length / elapsedMs) * 1000),
  };
}

/** Random (actor, subject) pairs among all users: most have no grant between them, as in life. */
function pairs(count: number, seed: number): [string, string][] {
  const random = prng(seed);
  return Array.from({ length: count }, () => [`u${1 + Math.floor(random() * USERS)}`, `u${1 + Math.floor(random() * USERS)}`]);
}

async function appOn(url: string, cacheTtlMs: number) {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    BEHALF_LOG_LEVEL: 'warn',
    BEHALF_DECISION_CACHE_TTL_MS: String(cacheTtlMs),
    BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BEHALF_DB_POOL_SIZE: '16',
    PORT: '0',
  });
  const app = await createApp({ config, logger: createLogger('warn'), databaseUrl: url, migrations: (await readMigrations()).map((m) => m.name) });
  return app;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const logger = createLogger('warn');
  let embedded: EmbeddedDatabase | undefined;
  let dir: string | undefined;
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = await mkdtemp(join(tmpdir(), 'behalf-bench-'));
    embedded = await startEmbeddedPostgres(join(dir, 'pg'), logger, ['shared_buffers=512MB', 'max_connections=200']);
    await ensureDatabase(embedded.adminUrl, 'bench');
    url = embedded.urlFor('bench');
  }
  try {
    await migrate(url, logger);
    // Started before seeding, so its first-start bootstrap creates the admin the HTTP part uses.
    const uncachedApp = await appOn(url, 0);
    process.stdout.write('seeding 100k users, 10k groups, 1M memberships, 50k grants...\n');
    const seedStart = performance.now();
    const pg = new Client({ connectionString: url });
    await pg.connect();
    const existing = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0].n);
    // A DATABASE_URL that a previous run already filled is reused as it is.
    const reused = existing >= USERS;
    if (!reused) await pg.query(readFileSync(join(ROOT, 'bench/impersonation-scale/seed.sql'), 'utf8'));
    const counts = (
      await pg.query<Record<string, string>>(
        `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups,
                (SELECT count(*) FROM memberships) AS memberships, (SELECT count(*) FROM impersonation_grants) AS grants`,
      )
    ).rows[0];
    await pg.end();
    const seedSeconds = (performance.now() - seedStart) / 1000;
    process.stdout.write(`seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(counts)}\n`);

    // Uncached: every decision is one SQL statement.
    const uncachedService = uncachedApp.get(ImpersonationService);
    const questions = pairs(20_000, 1);
    for (const [a, s] of questions.slice(0, 500)) await uncachedService.decide({ login: a }, { login: s }); // warm-up
    const reasons: Record<string, number> = {};
    const uncachedLatencies: number[] = [];
    let t0 = performance.now();
    for (const [a, s] of questions) {
      const start = performance.now();
      const result = await uncachedService.decide({ login: a }, { login: s });
      uncachedLatencies.push(performance.now() - start);
      const reason = result?.decision.reason ?? 'unknown';
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    const uncached = { ...summarize(uncachedLatencies, performance.now() - t0), reasons };
    await closeApp(uncachedApp);
    process.stdout.write(`uncached: ${JSON.stringify(uncached)}\n`);

    // Cached: the steady state, nothing read from the database.
    const cachedApp = await appOn(url, 600_000);
    const cachedService = cachedApp.get(ImpersonationService);
    const hot = pairs(10_000, 2);
    for (const [a, s] of hot) await cachedService.decide({ login: a }, { login: s });
    const cachedLatencies: number[] = [];
    t0 = performance.now();
    for (let i = 0; i < 1_000_000; i += 1) {
      const [a, s] = hot[i % hot.length];
      await cachedService.decide({ login: a }, { login: s });
    }
    const cachedElapsed = performance.now() - t0;
    for (let i = 0; i < 100_000; i += 1) {
      const [a, s] = hot[i % hot.length];
      const start = performance.now();
      await cachedService.decide({ login: a }, { login: s });
      cachedLatencies.push(performance.now() - start);
    }
    const cachedSummary = summarize(cachedLatencies, 1);
    const cached = {
      count: 1_000_000,
      opsPerSecond: Math.round(1_000_000 / (cachedElapsed / 1000)),
      p50Ms: cachedSummary.p50Ms,
      p99Ms: cachedSummary.p99Ms,
      latencySample: 100_000,
    };
    process.stdout.write(`cached: ${JSON.stringify(cached)}\n`);

    // Over HTTP: the check endpoint, authenticated by an API key, each answer audited.
    await cachedApp.listen({ port: 0, host: '127.0.0.1' });
    const address = cachedApp.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookies = login.headers.getSetCookie();
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const csrf = /behalf_csrf=([^;]+)/.exec(cookies.join(';'))?.[1] ?? '';
    const keyRes = await fetch(`${base}/api/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'bench' }),
    });
    const { key } = (await keyRes.json()) as { key: string };
    const httpPairs = pairs(2_000, 3);
    const probe = await fetch(`${base}/api/v1/impersonation/check?actor=${httpPairs[0][0]}&subject=${httpPairs[0][1]}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (probe.status !== 200) throw new Error(`the check endpoint answered ${probe.status}: ${await probe.text()}`);
    const result = await autocannon({
      url: base,
      connections: 32,
      duration: 15,
      headers: { authorization: `Bearer ${key}` },
      requests: [
        {
          setupRequest: (req: { path?: string }) => {
            const [a, s] = httpPairs[Math.floor(Math.random() * httpPairs.length)];
            return { ...req, method: 'GET', path: `/api/v1/impersonation/check?actor=${a}&subject=${s}` };
          },
        },
      ],
    });
    const http = {
      connections: 32,
      durationSeconds: 15,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
    };
    await closeApp(cachedApp);
    process.stdout.write(`http: ${JSON.stringify(http)}\n`);

    const report = {
      benchmark: 'impersonation-scale',
      command: 'npm run bench:impersonation',
      startedAt: startedAt.toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      database: embedded ? 'embedded PostgreSQL (embedded-postgres), temporary directory' : 'DATABASE_URL',
      seed: { ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])), seconds: Number(seedSeconds.toFixed(1)), reused },
      uncached,
      cached,
      http,
      budget: {
        uncachedP99MsAtMost: 5,
        uncachedMet: uncached.p99Ms <= 5,
        cachedOpsPerSecondAtLeast: 200_000,
        cachedMet: cached.opsPerSecond >= 200_000,
      },
    };
    await mkdir(join(ROOT, 'bench/results'), { recursive: true });
    await writeFile(REPORT, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`wrote ${REPORT}\n`);
  } finally {
    await embedded?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
