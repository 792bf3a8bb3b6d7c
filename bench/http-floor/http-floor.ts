/**
 * `npm run bench:http-floor`: what Behalf's HTTP pipeline costs before any work. Behalf's
 * `GET /healthz` (the real server, production mode, every Fastify hook, the request logger and
 * metrics; served by Fastify outside Nest's pipeline, see `@ServedByFastify`) next to a bare
 * NestJS 11 + Fastify "hello" (`nest-hello.ts`), each in a process of its own, both running, driven
 * in interleaved rounds by autocannon from this process with the same load. Beside them, what a
 * route through Nest's whole pipeline costs (global guard, router, response controller): Behalf's
 * public discovery document, a few hundred bytes of JSON. Writes bench/results/http-floor.json;
 * the target (issue 16) is `/healthz` ≥ 70 % of the bare framework.
 */
import { join } from 'node:path';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { freePort } from '../../apps/api/test/spawn';
import { figures, interleaved, LOAD, machine, spawnListening, startServer, writeReport } from '../runtime/world';

const TARGET = 0.7;

async function main(): Promise<void> {
  const startedAt = new Date();
  const behalf = await startServer();
  const port = await freePort();
  try {
    const bare = await spawnListening(
      join(projectRoot(), 'dist/bench/bench/http-floor/nest-hello.js'),
      { NODE_ENV: 'production', PORT: String(port) },
      'listening',
    );
    try {
      const { results, ratio } = await interleaved([
        { name: 'behalf', url: behalf.url, requests: [{ method: 'GET', path: '/healthz' }] },
        { name: 'bare', url: `http://127.0.0.1:${port}`, requests: [{ method: 'GET', path: '/' }] },
        { name: 'nestRoute', url: behalf.url, requests: [{ method: 'GET', path: '/.well-known/openid-configuration' }] },
      ]);
      const behalfToBare = ratio('behalf', 'bare');
      const { load } = results.behalf;
      const report = {
        benchmark: 'http-floor',
        startedAt: startedAt.toISOString(),
        machine: machine(),
        load: {
          connections: LOAD.connections,
          rounds: results.behalf.rounds.length,
          secondsPerRound: Number(process.env.BEHALF_BENCH_SECONDS ?? 5),
          loopbackOnly: true,
          note: 'both servers running, driven one at a time in interleaved rounds after a 5 s warm-up each; rates over all rounds, p99 the median of the rounds',
        },
        behalfHealthz: {
          ...figures(load),
          rounds: results.behalf.rounds,
          server: 'dist/apps/api/main.js, NODE_ENV=production, BEHALF_LOG_LEVEL=warn (no access log), embedded PostgreSQL',
        },
        bareFramework: {
          ...figures(results.bare.load),
          rounds: results.bare.rounds,
          server: 'NestJS 11 + @nestjs/platform-fastify, one controller, logger off',
        },
        behalfNestRoute: {
          ...figures(results.nestRoute.load),
          rounds: results.nestRoute.rounds,
          route: 'GET /.well-known/openid-configuration: public, through the global guard, Nest router and response controller',
          toBare: ratio('nestRoute', 'bare'),
        },
        ratio: { behalfToBare, note: 'median of the per-round ratios' },
        target: { minRatio: TARGET, met: behalfToBare >= TARGET && load.non2xx === 0 && load.errors === 0 },
      };
      console.log('wrote', await writeReport('http-floor', report));
    } finally {
      await bare.stop();
    }
  } finally {
    await behalf.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
