/**
 * `npm run bench:exchange-scale`: does the token exchange slow down as the world grows? Two
 * databases, each an embedded PostgreSQL of its own, migrated alike: a small world (the runtime
 * benchmarks' webapp, its run, 50 viewers) and a large one, the same plus 100,000 users, 10,000
 * groups, 1,000,000 memberships, 50,000 grants (bench/impersonation-scale/seed.sql) and 5,000
 * webapps with their runs (webapps.sql); there the run's identity and every viewer are also members
 * of 10 of the large world's groups. On each database two servers (built, production mode, a
 * process each): one as configured by default (decision cache on), one with the decision cache off
 * (`BEHALF_DECISION_CACHE_TTL_MS=0`: every exchange reads its run, users, webapp and grants from
 * the database). The four are driven in interleaved rounds with the same exchanges. Writes
 * bench/results/exchange-scale.json; the target (issue 16) is the large world within 15 % of the
 * small one's rate.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@behalf/server';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { ensureDatabase, startEmbeddedPostgres } from '../../apps/api/src/platform/database/embedded-postgres';
import { migrate } from '../../apps/api/src/platform/database/migrations';
import { sql } from '../../apps/api/test/harness';
import { Contender, exchangeRequests, figures, interleaved, LOAD, machine, seedWorld, Server, startServer, World, writeReport } from '../runtime/world';

const ROOT = projectRoot();
const TARGET = 0.85;
const VIEWERS = 50;

interface Database {
  url: string;
  counts: Record<string, number>;
  stop(): Promise<void>;
}

const COUNTS_SQL = `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM groups) AS groups,
  (SELECT count(*) FROM memberships) AS memberships, (SELECT count(*) FROM impersonation_grants) AS grants,
  (SELECT count(*) FROM webapps) AS webapps, (SELECT count(*) FROM webapp_runs) AS runs`;

/** An embedded PostgreSQL in a temporary directory, migrated. */
async function database(): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'behalf-scale-'));
  const logger = createLogger('warn');
  const embedded = await startEmbeddedPostgres(join(dir, 'pg'), logger, ['shared_buffers=256MB', 'max_connections=100']);
  const stop = async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await ensureDatabase(embedded.adminUrl, 'behalf');
    const url = embedded.urlFor('behalf');
    await migrate(url, logger);
    return { url, counts: {}, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The large world's rows (after the first server's start-up bootstrap made its admin). */
async function seedLarge(url: string): Promise<void> {
  const started = performance.now();
  await sql(url, readFileSync(join(ROOT, 'bench/impersonation-scale/seed.sql'), 'utf8'));
  await sql(url, readFileSync(join(ROOT, 'bench/exchange-scale/webapps.sql'), 'utf8'));
  console.log(`large world seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The run's identity and every viewer join 10 of the large world's groups (as its users are). */
async function joinLargeGroups(url: string, world: World): Promise<void> {
  const logins = ['ru', ...world.viewers.map((v) => v.login)].map((l) => `'${l}'`).join(', ');
  await sql(
    url,
    `INSERT INTO memberships (group_id, user_id)
     SELECT md5('g' || (1 + ((row_number() OVER (ORDER BY u.login))::int * 37 + k * 1000) % 10000))::uuid, u.id
       FROM users u, generate_series(0, 9) AS k WHERE u.login IN (${logins})
     ON CONFLICT DO NOTHING; ANALYZE memberships`,
  );
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const databases: Database[] = [];
  const servers: Server[] = [];
  try {
    const contenders: Contender[] = [];
    for (const size of ['small', 'large'] as const) {
      const db = await database();
      databases.push(db);
      const cached = await startServer({ DATABASE_URL: db.url });
      servers.push(cached);
      if (size === 'large') await seedLarge(db.url);
      // A replica of the first (the same public URL: the tokens' issuer), with the cache off.
      const uncached = await startServer({ DATABASE_URL: db.url, BEHALF_PUBLIC_URL: cached.url, BEHALF_DECISION_CACHE_TTL_MS: '0' });
      servers.push(uncached);
      // The large world has groups g1…g10000 of its own.
      const world = await seedWorld(cached.url, VIEWERS, 'bench-');
      if (size === 'large') await joinLargeGroups(db.url, world);
      db.counts = Object.fromEntries(Object.entries((await sql<Record<string, string>>(db.url, COUNTS_SQL))[0]).map(([k, v]) => [k, Number(v)]));
      console.log(`${size} world:`, db.counts);
      contenders.push({ name: `${size}Cached`, url: cached.url, requests: exchangeRequests(world) });
      contenders.push({ name: `${size}Uncached`, url: uncached.url, requests: exchangeRequests(world) });
    }
    const { results, ratio } = await interleaved(contenders);
    const cachedRatio = ratio('largeCached', 'smallCached');
    const uncachedRatio = ratio('largeUncached', 'smallUncached');
    const clean = Object.values(results).every((r) => r.load.non2xx === 0 && r.load.errors === 0 && r.load.timeouts === 0);
    const report = {
      benchmark: 'exchange-scale',
      startedAt: startedAt.toISOString(),
      machine: machine(),
      load: {
        connections: LOAD.connections,
        rounds: results.smallCached.rounds.length,
        secondsPerRound: Number(process.env.BEHALF_BENCH_SECONDS ?? 5),
        endpoint: 'POST /oauth/token',
        viewers: VIEWERS,
        loopbackOnly: true,
        server: 'dist/apps/api/main.js, NODE_ENV=production, an embedded PostgreSQL per world',
        note: 'four servers running, driven one at a time in interleaved rounds; rates over all rounds, p99 the median of the rounds',
      },
      worlds: { small: databases[0].counts, large: databases[1].counts },
      ...Object.fromEntries(Object.entries(results).map(([name, r]) => [name, { ...figures(r.load), rounds: r.rounds }])),
      ratio: { largeToSmallCached: cachedRatio, largeToSmallUncached: uncachedRatio, note: 'median of the per-round ratios' },
      target: { minRatio: TARGET, met: cachedRatio >= TARGET && uncachedRatio >= TARGET && clean },
    };
    console.log('wrote', await writeReport('exchange-scale', report));
  } finally {
    for (const server of servers) await server.stop();
    for (const db of databases) await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
