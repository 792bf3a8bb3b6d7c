/**
 * What the runtime benchmarks share: the built server started in a process of its own on an
 * embedded PostgreSQL in a temporary directory (loopback only), a seeded world (a webapp running
 * as RU in G1, G1 granted G2, viewers in G2 with sessions and secrets), autocannon to drive it
 * from this process, and the report format. Everything started is stopped and removed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { cookieName, SESSION_COOKIE, TOKEN_EXCHANGE } from '@behalf/contracts';
import { sessionFromLogin } from '@behalf/testing';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { freePort, spawnServer, stop, stopSpawned, whenReady } from '../../apps/api/test/spawn';
import type { Peer } from '../peer/peer';
import type { PacedJob, PacedResult } from './paced-load';

const ROOT = projectRoot();
const ADMIN_PASSWORD = 'bench-admin-password';
const PASSWORD = 'bench-user-password';

/** The load every runtime benchmark applies (the issue's: 32 connections for 20 s). */
export const LOAD = { connections: 32, durationSeconds: 20 };
/** The session cookie's name: the benches' API runs in production, where cookies are Secure. */
export const BENCH_SESSION_COOKIE = cookieName(SESSION_COOKIE, true);
/** The budget on a 2-core machine, database included. */
export const BUDGET = { minPerSecond: 2000, maxP99Ms: 25 };

export interface Server {
  url: string;
  stop(): Promise<void>;
}

/**
 * `npm start`'s server (the tests' `spawnServer`), production mode, on a fresh embedded database
 * in a temporary directory, ready. Logging stays at `warn`: at `info` every request is logged.
 * `BEHALF_BENCH_PROFILE_DIR=/tmp/prof` profiles it (a `.cpuprofile` written when it stops; Node
 * refuses `--cpu-prof` in NODE_OPTIONS, so `cpu-profile.mjs` is loaded with `--import`).
 */
/** Starts the built server; `env` adds to (or overrides) the bench's settings. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServer({
    NODE_ENV: 'production',
    PORT: String(port),
    BEHALF_PUBLIC_URL: url,
    BEHALF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BEHALF_LOG_LEVEL: 'warn',
    // One run drives the whole load, far past a webapp's rate limit: the limit is still counted
    // on every request (its cost is measured), it just never refuses.
    BEHALF_RUNTIME_RATE_PER_SECOND: '1000000',
    ...env,
    ...(process.env.BEHALF_BENCH_PROFILE_DIR
      ? {
          NODE_OPTIONS: `--import ${join(projectRoot(), 'bench/runtime/cpu-profile.mjs')}`,
          BEHALF_BENCH_PROFILE_DIR: resolve(process.env.BEHALF_BENCH_PROFILE_DIR),
        }
      : {}),
  });
  const stopAll = async () => {
    await stop(server);
    await stopSpawned();
  };
  await whenReady(url, server).catch(async (error: unknown) => {
    await stopAll();
    throw error;
  });
  return { url, stop: stopAll };
}

/**
 * Starts `script` (with `args`) with `env` and Node's `nodeArgs` in a process of its own, and
 * resolves once it is ready: once it prints `ready` on stdout, or once `ready()` resolves (for a
 * server that says too little, asked over HTTP). `pid` is its process (for its CPU time), `stop`
 * ends it (SIGTERM) and waits. For the peers and floors the benchmarks compare Behalf with.
 */
export async function spawnListening(
  script: string,
  env: Record<string, string>,
  ready: string | (() => Promise<unknown>),
  nodeArgs: readonly string[] = [],
  args: readonly string[] = [],
): Promise<{ pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stopChild = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start within 30 s`)), 30_000);
      const started = () => {
        clearTimeout(timer);
        resolve();
      };
      child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
      if (typeof ready === 'string') {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes(ready)) started();
        });
      } else {
        // Its output is not read, only drained, so that a full pipe never stalls it.
        child.stdout?.resume();
        ready().then(started, reject);
      }
    });
  } catch (error) {
    await stopChild();
    throw error;
  }
  return { pid: child.pid, stop: stopChild };
}

/** A logged-in HTTP caller: JSON in and out, its cookies kept. */
export class Caller {
  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  static async login(url: string, login: string, password: string): Promise<Caller & { sessionCookie: string }> {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    });
    if (res.status !== 200) throw new Error(`login ${login}: ${res.status} ${await res.text()}`);
    const session = sessionFromLogin(res.headers.getSetCookie());
    const caller = new Caller(url, { cookie: session.cookie, 'x-csrf-token': session.csrf });
    return Object.assign(caller, { sessionCookie: session.token });
  }

  /** Sends `content` as the raw body (a dataset file), expecting one of `expected`. */
  async upload(path: string, content: string, contentType: string, expected = [200, 201]): Promise<void> {
    const res = await fetch(`${this.url}${path}`, { method: 'PUT', headers: { ...this.headers, 'content-type': contentType }, body: content });
    if (!expected.includes(res.status)) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, expected = [200, 201, 204]): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

export interface World {
  url: string;
  admin: Caller;
  groups: { g1: string; g2: string };
  webappId: string;
  backendToken: string;
  backend: Caller;
  viewers: { login: string; sessionCookie: string; identityToken: string }[];
}

/** RU in G1 runs the webapp; `viewerCount` viewers in G2, each logged in, with a secret; G1 → G2 (group names after `groupPrefix`). */
export async function seedWorld(url: string, viewerCount: number, groupPrefix = ''): Promise<World> {
  const admin = await Caller.login(url, 'admin', ADMIN_PASSWORD);
  const g1 = (await admin.call<{ id: string }>('POST', '/api/v1/groups', { name: `${groupPrefix}g1` })).id;
  const g2 = (await admin.call<{ id: string }>('POST', '/api/v1/groups', { name: `${groupPrefix}g2` })).id;
  const ru = (await admin.call<{ id: string }>('POST', '/api/v1/users', { login: 'ru', password: PASSWORD })).id;
  await admin.call('PUT', `/api/v1/groups/${g1}/members/${ru}`);
  await admin.call('PUT', `/api/v1/groups/${g1}/impersonation-targets/${g2}`, { reason: 'benchmark' });
  const webappId = (await admin.call<{ id: string }>('POST', '/api/v1/webapps', { name: 'bench', kind: 'dash' })).id;
  await admin.call('PATCH', `/api/v1/webapps/${webappId}/settings`, { runAsUserId: ru, allowImpersonation: true, secretNames: ['warehouse'] });
  const run = await admin.call<{ backendToken: string }>('POST', `/api/v1/webapps/${webappId}/runs`, {});
  const backend = new Caller(url, { authorization: `Bearer ${run.backendToken}` });
  const viewers: World['viewers'] = [];
  for (let i = 0; i < viewerCount; i += 1) {
    const login = `viewer${i}`;
    const id = (await admin.call<{ id: string }>('POST', '/api/v1/users', { login, password: PASSWORD })).id;
    await admin.call('PUT', `/api/v1/groups/${g2}/members/${id}`);
    const session = await Caller.login(url, login, PASSWORD);
    await session.call('PUT', '/api/v1/users/me/secrets/warehouse', { value: `warehouse-password-${i}` });
    const { token } = await backend.call<{ token: string }>('POST', '/api/v1/runtime/identity-token', {
      headers: { cookie: `${BENCH_SESSION_COOKIE}=${session.sessionCookie}` },
    });
    viewers.push({ login, sessionCookie: session.sessionCookie, identityToken: token });
  }
  return { url, admin, groups: { g1, g2 }, webappId, backendToken: run.backendToken, backend, viewers };
}

/** One token exchange per viewer: its identity token for an impersonation token, with the run's backend token. */
export function exchangeRequests(world: World): autocannon.Request[] {
  return world.viewers.map((v) => ({
    method: 'POST' as const,
    path: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE.grantType,
      subject_token: v.identityToken,
      subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
      actor_token: world.backendToken,
      actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
    }).toString(),
  }));
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Drives the server with autocannon, cycling through `requests`, for {@link LOAD}: as fast as it
 * answers, or at `overallRate` requests per second in all (for latency at a load it can carry).
 */
export async function drive(
  url: string,
  requests: autocannon.Request[],
  durationSeconds = Number(process.env.BEHALF_BENCH_SECONDS ?? LOAD.durationSeconds),
  overallRate?: number,
): Promise<LoadResult> {
  const result = await autocannon({ url, connections: LOAD.connections, duration: durationSeconds, requests, ...(overallRate ? { overallRate } : {}) });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

let gc: (() => void) | undefined;
/** A full garbage collection of this process (V8's `gc`, exposed at the first call, for this alone). */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** How many paced runs each contender has had in this process (numbering their samples files). */
const pacedRuns: Record<string, number> = {};

/**
 * An open loop: `rate` requests per second, evenly spaced (not bunched at the start of each
 * second, as autocannon's rate limit sends them), over at most {@link LOAD}'s connections kept
 * alive; a request sent while all are busy waits, and its wait counts. What a server adds to a
 * request at a load it can carry. Answers the latency figures, timed from each request's send and
 * from when it was due (`fromSchedule`: the generator's own lateness counted), and how many
 * requests failed.
 *
 * The loop runs in a process of its own (`paced-load.ts`): in this process (tens of MB of bench
 * state), each scavenge every half second held the loop for milliseconds, and the requests it
 * then sent at once reached the server as a burst, a queue the server under test was blamed for.
 * On its own it scavenges 15–20 times a second, each pause 0.3–1 ms, a few up to 3 ms
 * (`--trace-gc`, 12-03, at 2,000 requests/s; V8 keeps its young generation small, since almost
 * nothing survives; with a 16 MB minimum it scavenged twice a second, and its p99 against a
 * plain node:http server stayed where it was, two runs each way).
 *
 * Before each run this process collects its own garbage in full, while nothing is measured: idle
 * after its autocannon rounds, it otherwise took 140–210 ms of CPU at once during the paced
 * runs (twice in one bench on 12-03, by its size and timing a collection of its heap), from the
 * two cores the servers and the generator share; one of those fell inside a gateway run, whose
 * slowest requests then took 26 ms. `npm run bench:gateway` also starts it with
 * `--no-memory-reducer`.
 *
 * `BEHALF_BENCH_SAMPLES_DIR=/tmp/samples` also writes each run's recorded requests there
 * (`<contender>-<n>.json`, `PacedSamples` in `paced-load.ts`: when each was due and sent, and its latency), to
 * find when the slow ones happened.
 */
export async function paced(contender: Contender, rate: number, seconds: number): Promise<PacedResult> {
  const job: Omit<PacedJob, 'contender'> & { contender: Contender } = { contender, rate, seconds, connections: LOAD.connections };
  const samplesDir = process.env.BEHALF_BENCH_SAMPLES_DIR;
  if (samplesDir) {
    pacedRuns[contender.name] = (pacedRuns[contender.name] ?? 0) + 1;
    job.samplesFile = join(resolve(samplesDir), `${contender.name}-${pacedRuns[contender.name]}.json`);
  }
  collectGarbage();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', join(__dirname, 'paced-load.js'), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the paced load generator failed (exit ${code})`);
  return JSON.parse(output) as PacedResult;
}

/** A load result as the reports write it. */
export function figures(load: LoadResult) {
  const { requestsPerSecond, requests, ...rest } = load;
  return { perSecond: requestsPerSecond, total: requests, ...rest };
}

/** A server under comparison: where it listens and what autocannon sends it. */
export interface Contender {
  name: string;
  url: string;
  requests: autocannon.Request[];
}

/** A contender's rounds and their sum: its rate over all rounds, the median of its round p99s. */
export interface InterleavedResult {
  load: LoadResult;
  rounds: { perSecond: number; p99Ms: number }[];
}

/** The middle of `values` (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Drives each contender in turn, round after round (the order flipped every other round), after a
 * warm-up of each: this machine's speed drifts by tens of percent over a minute (a shared VM), so
 * servers compared one after the other for 20 s each would compare the drift as much as the
 * servers. Every contender sees the same load (a 5 s warm-up each first); all are running, only one is driven at a time.
 * @returns each contender's result, and the median of the per-round ratios `ratio(a, b)`
 */
export async function interleaved(
  contenders: Contender[],
  rounds = Number(process.env.BEHALF_BENCH_ROUNDS ?? 4),
  seconds = Number(process.env.BEHALF_BENCH_SECONDS ?? 5),
  overallRate?: number,
): Promise<{ results: Record<string, InterleavedResult>; ratio(a: string, b: string): number }> {
  for (const c of contenders) await drive(c.url, c.requests, 5, overallRate);
  const loads: Record<string, LoadResult[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const c of round % 2 === 0 ? contenders : [...contenders].reverse()) {
      const load = await drive(c.url, c.requests, seconds, overallRate);
      console.log(`round ${round + 1}, ${c.name}: ${load.requestsPerSecond}/s, p99 ${load.p99Ms} ms, non-2xx ${load.non2xx}`);
      loads[c.name].push(load);
    }
  }
  const results = Object.fromEntries(
    Object.entries(loads).map(([name, rs]) => {
      const sum = (key: 'requests' | 'non2xx' | 'errors' | 'timeouts') => rs.reduce((total, r) => total + r[key], 0);
      const load: LoadResult = {
        requestsPerSecond: Math.round(sum('requests') / (rounds * seconds)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p90Ms: median(rs.map((r) => r.p90Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        maxMs: Math.max(...rs.map((r) => r.maxMs)),
        requests: sum('requests'),
        non2xx: sum('non2xx'),
        errors: sum('errors'),
        timeouts: sum('timeouts'),
      };
      return [name, { load, rounds: rs.map((r) => ({ perSecond: r.requestsPerSecond, p99Ms: r.p99Ms })) }];
    }),
  );
  return {
    results,
    ratio: (a, b) => Number(median(loads[a].map((r, i) => r.requestsPerSecond / loads[b][i].requestsPerSecond)).toFixed(3)),
  };
}

/** Whether a load meets {@link BUDGET}, without a single failed request. */
const meetsBudget = (load: LoadResult) =>
  load.requestsPerSecond >= BUDGET.minPerSecond && load.p99Ms <= BUDGET.maxP99Ms && load.non2xx === 0 && load.errors === 0 && load.timeouts === 0;

/** Calls per second of `op` run back to back on this one thread for `ms`. */
export async function tightLoop(op: () => Promise<unknown>, ms = 3000): Promise<number> {
  for (let i = 0; i < 200; i += 1) await op(); // warm up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await op();
    count += 1;
  }
  return Math.round(count / ((performance.now() - start) / 1000));
}

export function machine() {
  return { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

/** Writes `bench/results/<name>.json`, the report headed by the command that makes it (`npm run bench:<name>`). */
export async function writeReport(name: string, report: Record<string, unknown>): Promise<string> {
  const path = join(ROOT, 'bench/results', `${name}.json`);
  await writeFile(path, `${JSON.stringify({ command: `npm run bench:${name}`, ...report }, null, 2)}\n`);
  return path;
}

/**
 * The same server's floor on this machine: `GET /healthz` (no database, no crypto, no audit)
 * under the same load, so a report shows how much of a request is the HTTP stack itself.
 */
async function frameworkFloor(url: string, durationSeconds = 5): Promise<{ healthzPerSecond: number; p99Ms: number }> {
  const load = await drive(url, [{ method: 'GET', path: '/healthz' }], durationSeconds);
  return { healthzPerSecond: load.requestsPerSecond, p99Ms: load.p99Ms };
}

/** One runtime benchmark: what it drives, its crypto-only ceiling, and how its report reads. */
export interface RuntimeBenchmark<C extends Record<string, number>> {
  name: string;
  /** The report's key for the budgeted measurement (`exchanges`, `authInfo`). */
  measured: string;
  endpoint: string;
  /** More facts about the load, for the report. */
  load?: Record<string, unknown>;
  /** Measured before the server starts, on this otherwise idle process. */
  ceiling(): Promise<C>;
  ceilingNote: string;
  /** What autocannon cycles through; may seed more first (datasets, tokens). */
  requests(world: World): autocannon.Request[] | Promise<autocannon.Request[]>;
  ratio(perSecond: number, ceiling: C): Record<string, number>;
  /** Further measurements on the same server after the budgeted one (not budgeted). */
  more?(url: string, world: World): Promise<Record<string, unknown>>;
  /** The peer the issue compares with, started beside Behalf's server and driven in interleaved rounds with it. */
  peer?(): Promise<Peer>;
}

const VIEWERS = 50;

/**
 * Runs a runtime benchmark: the ceiling, then the server with a seeded world of {@link VIEWERS}
 * viewers, a 3 s warm-up (JIT, prepared statements, caches), the measured load (with a peer:
 * interleaved rounds of Behalf and the peer, see {@link interleaved}), the HTTP stack's floor,
 * any further measurements; writes `bench/results/<name>.json` and stops everything.
 */
export function runRuntimeBenchmark<C extends Record<string, number>>(benchmark: RuntimeBenchmark<C>): void {
  const main = async () => {
    const startedAt = new Date();
    const ceiling = await benchmark.ceiling();
    console.log('crypto ceiling (one core):', ceiling);
    const server = await startServer();
    let peer: Peer | undefined;
    try {
      const world = await seedWorld(server.url, VIEWERS);
      const requests = await benchmark.requests(world);
      let load: LoadResult;
      let compared: { peer: InterleavedResult; behalfRounds: InterleavedResult['rounds']; toPeer: number } | undefined;
      if (benchmark.peer) {
        peer = await benchmark.peer();
        const { results, ratio } = await interleaved([{ name: 'behalf', url: server.url, requests }, peer.contender]);
        load = results.behalf.load;
        compared = { peer: results.peer, behalfRounds: results.behalf.rounds, toPeer: ratio('behalf', 'peer') };
      } else {
        await drive(server.url, requests, 3);
        load = await drive(server.url, requests);
      }
      console.log(`${benchmark.endpoint} over HTTP:`, load);
      const floor = await frameworkFloor(server.url);
      console.log('framework floor:', floor);
      const more = (await benchmark.more?.(server.url, world)) ?? {};
      const report = {
        benchmark: benchmark.name,
        startedAt: startedAt.toISOString(),
        machine: machine(),
        load: {
          connections: LOAD.connections,
          ...(compared
            ? {
                rounds: compared.behalfRounds.length,
                secondsPerRound: Number(process.env.BEHALF_BENCH_SECONDS ?? 5),
                note: 'Behalf and the peer both running, driven one at a time in interleaved rounds after a 5 s warm-up each; rates over all rounds, p99 the median of the rounds',
              }
            : { durationSeconds: Number(process.env.BEHALF_BENCH_SECONDS ?? LOAD.durationSeconds) }),
          endpoint: benchmark.endpoint,
          viewers: VIEWERS,
          ...benchmark.load,
          loopbackOnly: true,
          server: 'dist/apps/api/main.js, NODE_ENV=production, BEHALF_LOG_LEVEL=warn, embedded PostgreSQL',
        },
        [benchmark.measured]: { ...figures(load), ...(compared ? { rounds: compared.behalfRounds } : {}) },
        ...more,
        floor: { ...floor, durationSeconds: 5, note: 'GET /healthz on the same server and load: the HTTP stack alone' },
        ceiling: { ...ceiling, note: benchmark.ceilingNote },
        ...(compared && peer ? { peer: { ...figures(compared.peer.load), rounds: compared.peer.rounds, note: peer.note } } : {}),
        ratio: {
          ...benchmark.ratio(load.requestsPerSecond, ceiling),
          ...(compared ? { toPeer: compared.toPeer, toPeerNote: 'median of the per-round ratios' } : {}),
        },
        budget: { ...BUDGET, met: meetsBudget(load) },
      };
      console.log('wrote', await writeReport(benchmark.name, report));
    } finally {
      await peer?.stop();
      await server.stop();
    }
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
