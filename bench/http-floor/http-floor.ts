/**
 * `npm run bench:http-floor`: what Behalf's HTTP pipeline costs before any work. Behalf's
 * `GET /healthz` (the real server, production mode, its every global guard, interceptor, hook and
 * metric) next to a bare NestJS 11 + Fastify "hello" (`nest-hello.ts`), each in a process of its
 * own, driven one after the other by autocannon from this process with the same load. Writes
 * bench/results/http-floor.json; the target (issue 16) is Behalf ≥ 70 % of the bare framework.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { freePort } from '../../apps/api/test/spawn';
import { drive, figures, LOAD, LoadResult, machine, startServer, writeReport } from '../runtime/world';

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
  const child = spawn(process.execPath, [join(projectRoot(), 'dist/bench/bench/http-floor/nest-hello.js')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare framework did not start within 20 s')), 20_000);
      child.once('exit', (code) => reject(new Error(`the bare framework exited (${code}) before listening`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const url = `http://127.0.0.1:${port}`;
    await drive(url, [{ method: 'GET', path: '/' }], 3);
    return await drive(url, [{ method: 'GET', path: '/' }]);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
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
