/**
 * `npm run bench:http-floor`: what Behalf's HTTP pipeline costs before any work. Behalf's
 * `GET /healthz` (the real server, production mode, its every global guard, interceptor, hook and
 * metric) next to a bare NestJS 11 + Fastify "hello" (`nest-hello.ts`), each in a process of its
 * own, driven one after the other by autocannon from this process with the same load. Writes
 * bench/results/http-floor.json; the target (issue 16) is Behalf ≥ 70 % of the bare framework.
 */
import { join } from 'node:path';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { freePort } from '../../apps/api/test/spawn';
import { drive, figures, LOAD, LoadResult, machine, spawnListening, startServer, writeReport } from '../runtime/world';

const TARGET = 0.7;

async function measureBehalf(): Promise<LoadResult> {
  const server = await startServer();
  try {
    await drive(server.url, [{ method: 'GET', path: '/healthz' }], 3);
    return await drive(server.url, [{ method: 'GET', path: '/healthz' }]);
  } finally {
    await server.stop();
  }
}

async function measureBare(): Promise<LoadResult> {
  const port = await freePort();
  const bare = await spawnListening(
    join(projectRoot(), 'dist/bench/bench/http-floor/nest-hello.js'),
    { NODE_ENV: 'production', PORT: String(port) },
    'listening',
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await drive(url, [{ method: 'GET', path: '/' }], 3);
    return await drive(url, [{ method: 'GET', path: '/' }]);
  } finally {
    await bare.stop();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const behalf = await measureBehalf();
  console.log('Behalf GET /healthz:', behalf);
  const bare = await measureBare();
  console.log('bare NestJS + Fastify GET /:', bare);
  const ratio = Number((behalf.requestsPerSecond / bare.requestsPerSecond).toFixed(3));
  const report = {
    benchmark: 'http-floor',
    startedAt: startedAt.toISOString(),
    machine: machine(),
    load: { ...LOAD, loopbackOnly: true, note: 'each server alone on the machine, one after the other, 3 s warm-up each' },
    behalfHealthz: { ...figures(behalf), server: 'dist/apps/api/main.js, NODE_ENV=production, embedded PostgreSQL' },
    bareFramework: { ...figures(bare), server: 'NestJS 11 + @nestjs/platform-fastify, one controller, logger off' },
    ratio: { behalfToBare: ratio },
    target: { minRatio: TARGET, met: ratio >= TARGET && behalf.non2xx === 0 && behalf.errors === 0 },
  };
  console.log('wrote', await writeReport('http-floor', report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
