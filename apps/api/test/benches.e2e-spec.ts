import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../src/common/project-root';
import { createTestDatabase, sql } from './harness';
import { within } from '@behalf/testing';
import { freePort } from './spawn';

const run = promisify(execFile);
const ROOT = projectRoot();
const OUT = join(ROOT, 'dist/bench');
/** The compiled bench/runtime/world (what the benches run), typed by its source. */
const compiledWorld = () => import(join(OUT, 'bench/runtime/world.js')) as Promise<typeof import('../../../bench/runtime/world')>;

/** Prints, as JSON, how many `require`s the files named in argv hold, and each one Node cannot resolve or resolves to TypeScript. */
const RESOLVE_ALL = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const out = [];
let checked = 0;
for (const file of process.argv.slice(1)) {
  const resolve = createRequire(file).resolve;
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/\\brequire\\("([^"]+)"\\)/g)) {
    checked += 1;
    try {
      const resolved = resolve(spec);
      if (resolved.endsWith('.ts')) out.push(file + ': ' + spec + ' is TypeScript (' + resolved + ')');
    } catch {
      out.push(file + ': ' + spec);
    }
  }
}
process.stdout.write(JSON.stringify({ checked, unresolved: out }));
`;

/**
 * The benchmarks are not run by the tests (they are npm scripts writing reports), but they must
 * stay runnable: they compile, every module they require resolves from where the compiled file
 * lies (a workspace library without a build once broke every one of them), and the paced load
 * generator sends what it is asked to, evenly, and counts what fails.
 */
describe('the benchmarks', () => {
  beforeAll(async () => {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'bench/tsconfig.json')], { cwd: ROOT });
  }, 120_000);

  it('compile, and every module their compiled files require resolves', async () => {
    const files = (await readdir(OUT, { recursive: true })).filter((f) => f.endsWith('.js')).map((f) => join(OUT, f));
    const benches = files.filter((f) => f.startsWith(join(OUT, 'bench/')));
    expect(benches.map((f) => f.slice(OUT.length + 1))).toEqual(
      expect.arrayContaining(['bench/gateway/gateway.js', 'bench/runtime/world.js', 'bench/runtime/paced-load.js', 'bench/http-floor/http-floor.js']),
    );
    // Resolved by Node itself, in a process of its own: jest's resolver maps the workspace
    // libraries to their sources, which is what the compiled benches cannot use.
    const { stdout } = await run(process.execPath, ['-e', RESOLVE_ALL, ...files]);
    const { checked, unresolved } = JSON.parse(stdout) as { checked: number; unresolved: string[] };
    expect(checked).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
  });

  it('seed worlds that the current schema accepts (the large world of bench:impersonation and bench:exchange-scale)', async () => {
    // A column added without a default once broke bench:exchange-scale's seeding, unnoticed.
    const database = await createTestDatabase();
    try {
      for (const file of ['bench/impersonation-scale/seed.sql', 'bench/exchange-scale/webapps.sql'])
        await sql(database.url, readFileSync(join(ROOT, file), 'utf8'));
      const [counts] = await sql<Record<string, string>>(
        database.url,
        'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM memberships) AS memberships, (SELECT count(*) FROM webapps) AS webapps, (SELECT count(*) FROM webapp_runs) AS runs',
      );
      expect(counts).toEqual({ users: '100000', memberships: '1000000', webapps: '5000', runs: '5000' });
    } finally {
      await database.drop();
    }
  }, 180_000);

  describe('the paced load generator', () => {
    let server: Server;
    let url: string;
    let seen = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        seen += 1;
        res.statusCode = req.url === '/fail' ? 500 : 200;
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const pace = async (path: string) => {
      const job = { contender: { url, requests: [{ method: 'GET', path }] }, rate: 200, seconds: 1, connections: 4 };
      const started = Date.now();
      const { stdout } = await run(process.execPath, [join(OUT, 'bench/runtime/paced-load.js'), JSON.stringify(job)]);
      return { result: JSON.parse(stdout) as { requests: number; non2xx: number; errors: number; p50Ms: number; p99Ms: number }, ms: Date.now() - started };
    };

    it('records rate × seconds requests after a second of warm-up, spread over the time asked', async () => {
      seen = 0;
      const { result, ms } = await pace('/ok');
      expect(result).toMatchObject({ requests: 200, non2xx: 0, errors: 0 });
      expect(seen).toBe(400);
      expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
      // Evenly paced: two seconds' worth (warm-up and measure) cannot finish in much less.
      expect(ms).toBeGreaterThanOrEqual(1900);
    });

    it('also times each answer from when its request was due, so that a generator held up counts its wait there', async () => {
      seen = 0;
      const job = { contender: { url, requests: [{ path: '/ok' }] }, rate: 100, seconds: 4, connections: 2 };
      const child = spawn(process.execPath, [join(OUT, 'bench/runtime/paced-load.js'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // Its first request marks its start (however slow the process was to start): held for 400 ms
      // half a second into the recorded seconds (after the second of warm-up), 40 requests fall due
      // meanwhile, and go out at once when it runs again. Of the 400 recorded, the p99 is the fourth
      // slowest: the at most two requests in flight when it stopped (two connections) cannot be it.
      while (seen === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 400));
      child.kill('SIGCONT');
      await once(child, 'exit');
      const result = JSON.parse(output) as { requests: number; errors: number; p50Ms: number; p99Ms: number; fromSchedule: { p50Ms: number; p99Ms: number } };
      expect(result).toMatchObject({ requests: 400, errors: 0 });
      // Timed from when they were due, the first late requests waited the whole hold, and more.
      expect(result.fromSchedule.p99Ms).toBeGreaterThan(300);
      // Timed from the send, that wait is not counted: whatever the burst's queue on a loaded
      // machine, the two p99s differ by most of the hold.
      expect(result.fromSchedule.p99Ms - result.p99Ms).toBeGreaterThan(200);
      expect(result.fromSchedule.p50Ms).toBeGreaterThanOrEqual(result.p50Ms);
    });

    it("writes every recorded request's times when asked (BEHALF_BENCH_SAMPLES_DIR), a file per run, numbered per contender", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'behalf-bench-samples-'));
      const { paced } = await compiledWorld();
      const contender = { name: 'echo', url, requests: [{ method: 'GET' as const, path: '/ok' }] };
      process.env.BEHALF_BENCH_SAMPLES_DIR = dir;
      try {
        const first = await paced(contender, 100, 1);
        await paced(contender, 100, 1);
        delete process.env.BEHALF_BENCH_SAMPLES_DIR;
        await paced(contender, 100, 1);
        expect((await readdir(dir)).sort()).toEqual(['echo-1.json', 'echo-2.json']);
        const written = JSON.parse(readFileSync(join(dir, 'echo-1.json'), 'utf8')) as import('../../../bench/runtime/paced-load').PacedSamples;
        expect(written.columns).toEqual(['dueMs', 'sentMs', 'latencyMs']);
        expect(written.samples).toHaveLength(first.requests);
        // The recorded second follows the second of warm-up: due from 1,000 ms on, 10 ms apart.
        const due = written.samples.map(([dueMs]) => dueMs).sort((x, y) => x - y);
        expect(due[0]).toBeCloseTo(1000, 6);
        expect(due[99]).toBeCloseTo(1990, 6);
        for (const [dueMs, sentMs, latencyMs] of written.samples) {
          expect(sentMs).toBeGreaterThanOrEqual(dueMs);
          expect(latencyMs).toBeGreaterThan(0);
        }
        expect(Math.max(...written.samples.map(([, , latencyMs]) => latencyMs)).toFixed(2)).toBe(first.maxMs.toFixed(2));
        expect(Math.abs(written.startedAtMs - Date.now())).toBeLessThan(60_000);
      } finally {
        delete process.env.BEHALF_BENCH_SAMPLES_DIR;
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("collects the bench process's garbage in full before each run, while nothing is measured", async () => {
      // In a process of its own, as the benches run it (jest's own collections would blur it): the
      // collections V8 reports while one paced run starts, by kind and flags.
      const script = `
        const { PerformanceObserver, constants, performance } = require('node:perf_hooks');
        const { paced } = require(${JSON.stringify(join(OUT, 'bench/runtime/world.js'))});
        const forced = [];
        const observer = new PerformanceObserver((list) => {
          for (const { startTime, detail } of list.getEntries())
            if (detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR && (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced.push(startTime);
        });
        observer.observe({ entryTypes: ['gc'] });
        const before = performance.now();
        paced({ name: 'echo', url: ${JSON.stringify(url)}, requests: [{ method: 'GET', path: '/ok' }] }, 50, 1).then(() =>
          setImmediate(() => {
            observer.disconnect();
            process.stdout.write(JSON.stringify(forced.map((at) => at - before)));
          }),
        );`;
      const { stdout } = await run(process.execPath, ['-e', script]);
      const forced = JSON.parse(stdout) as number[];
      // One full collection asked for, at the start: the run itself takes two seconds (warm-up and measure).
      expect(forced).toHaveLength(1);
      expect(forced[0]).toBeLessThan(500);
    });

    it('counts answers that are not 2xx, and refused connections as errors, warm-up included', async () => {
      expect((await pace('/fail')).result).toMatchObject({ requests: 200, non2xx: 400 });
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const job = { contender: { url: `http://127.0.0.1:${port}`, requests: [{ path: '/' }] }, rate: 50, seconds: 1, connections: 2 };
      const { stdout } = await run(process.execPath, [join(OUT, 'bench/runtime/paced-load.js'), JSON.stringify(job)]);
      expect(JSON.parse(stdout)).toMatchObject({ requests: 0, errors: 100 });
    });
  });

  describe("bench:gateway's GC counter (bench/runtime/gc-stats.mjs, read through bench/runtime/gc-totals)", () => {
    // The compiled module (what the bench runs), typed by its source.
    const gcTotalsModule = () => import(join(OUT, 'bench/runtime/gc-totals.js')) as Promise<typeof import('../../../bench/runtime/gc-totals')>;
    const GC_STATS = ['--expose-gc', '--import', join(ROOT, 'bench/runtime/gc-stats.mjs')];
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'behalf-gc-stats-'));
      file = join(dir, 'gc.json');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('counts a running server’s collections by kind, and writes them only when asked (SIGUSR2), not as they happen', async () => {
      const { readGc, askGc } = await gcTotalsModule();
      const program =
        "gc({ type: 'minor' }); gc({ type: 'minor' }); gc(); setTimeout(() => process.stdout.write('collected\\n'), 100); setInterval(() => {}, 1000);";
      const child = spawn(process.execPath, [...GC_STATS, '-e', program], {
        env: { ...process.env, BEHALF_BENCH_GC_FILE: file },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('collected') && resolve()));
        // Three collections have happened, and the file still holds what was written at load.
        expect(readGc(file)).toMatchObject({ snapshot: 0, longMs: 2, totals: { scavenge: { count: 0 }, markCompact: { count: 0 } } });
        const { totals } = await askGc(child.pid, file);
        expect(readGc(file).snapshot).toBe(1);
        expect(Object.keys(totals).sort()).toEqual(['incrementalMarking', 'markCompact', 'scavenge', 'weakCallbacks']);
        expect(totals.scavenge.count).toBeGreaterThanOrEqual(2);
        expect(totals.markCompact.count).toBeGreaterThanOrEqual(1);
        expect(totals.markCompact.ms).toBeGreaterThan(0);
        expect(totals.markCompact.overLongMs).toBeLessThanOrEqual(totals.markCompact.count);
        // Asked again, it writes again (the bench asks before and after every leg).
        await askGc(child.pid, file);
        expect(readGc(file).snapshot).toBe(2);
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    });

    it('writes its totals when the server exits', async () => {
      const { readGc } = await gcTotalsModule();
      await run(process.execPath, [...GC_STATS, '-e', "gc({ type: 'minor' }); gc(); setTimeout(() => {}, 100);"], {
        env: { ...process.env, BEHALF_BENCH_GC_FILE: file },
      });
      const written = readGc(file);
      expect(written.snapshot).toBe(1);
      expect(written.totals.scavenge.count).toBeGreaterThanOrEqual(1);
      expect(written.totals.markCompact.count).toBeGreaterThanOrEqual(1);
    });

    it('writes the young generation’s size with its totals, which V8 grows under load up to --max-semi-space-size (both halves)', async () => {
      const { readGc } = await gcTotalsModule();
      // Much survives each scavenge here (a list of 200,000 objects kept alive), so V8 grows the young generation to its ceiling.
      const program = 'const kept = []; for (let i = 0; i < 2e6; i += 1) { kept.push({ i }); if (kept.length > 2e5) kept.length = 0; }';
      const young = async (semiSpaceMB: number) => {
        await run(process.execPath, [`--max-semi-space-size=${semiSpaceMB}`, ...GC_STATS, '-e', program], {
          env: { ...process.env, BEHALF_BENCH_GC_FILE: file },
        });
        return readGc(file).youngGenerationKB;
      };
      expect(await young(1)).toBe(2 * 1024);
      expect(await young(4)).toBe(2 * 4 * 1024);
    });

    it('adds totals kind by kind, or takes one from another, pauses rounded to 0.1 ms', async () => {
      const { combineGc } = await gcTotalsModule();
      const before = { scavenge: { count: 3, ms: 2.04, overLongMs: 0 }, markCompact: { count: 1, ms: 5, overLongMs: 1 } };
      const after = { scavenge: { count: 10, ms: 9.56, overLongMs: 2 }, markCompact: { count: 1, ms: 5, overLongMs: 1 } };
      const leg = combineGc(after, before, -1);
      expect(leg).toEqual({ scavenge: { count: 7, ms: 7.5, overLongMs: 2 }, markCompact: { count: 0, ms: 0, overLongMs: 0 } });
      // Summed over legs, starting from nothing.
      expect(combineGc(combineGc({}, leg), leg)).toEqual({ scavenge: { count: 14, ms: 15, overLongMs: 4 }, markCompact: { count: 0, ms: 0, overLongMs: 0 } });
    });
  });

  describe('spawnListening, which starts the peers and the servers bench:gateway measures', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'behalf-spawn-'));
      // A server that says nothing when it listens, answering with its second argument.
      writeFileSync(
        join(dir, 'quiet.cjs'),
        `require('node:http').createServer((q, s) => s.end(process.argv[3])).listen(Number(process.argv[2]), '127.0.0.1');`,
      );
      writeFileSync(join(dir, 'dies.cjs'), 'process.exit(3);');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('passes the script its arguments and, for a quiet server, waits until the given check passes; stop ends it', async () => {
      const { spawnListening } = await compiledWorld();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      // Bounded, so that a server that never answers fails the test instead of polling on.
      const answers = async () => {
        await within(10_000, () =>
          fetch(url).then(
            (r) => r.ok,
            () => false,
          ),
        );
      };
      const server = await spawnListening(join(dir, 'quiet.cjs'), {}, answers, [], [String(port), 'from-args']);
      expect(await (await fetch(url)).text()).toBe('from-args');
      await server.stop();
      await expect(fetch(url)).rejects.toThrow();
    });

    it('fails, naming the exit code, when the script exits before its check passes', async () => {
      const { spawnListening } = await compiledWorld();
      const never = () => new Promise<void>(() => undefined);
      await expect(spawnListening(join(dir, 'dies.cjs'), {}, never)).rejects.toThrow(/dies\.cjs exited \(3\) before it was ready/);
    });
  });

  describe("bench:gateway's bare proxy (the floor)", () => {
    /** One of bench:gateway's scripts with `env`, started as the bench starts it (its compiled `spawnListening`), with its URL. */
    async function listening(script: string, env: Record<string, string> = {}) {
      const { spawnListening } = await compiledWorld();
      const port = await freePort();
      const started = await spawnListening(join(ROOT, 'bench/gateway', script), { PORT: String(port), ...env }, 'ready');
      return { url: `http://127.0.0.1:${port}`, stop: started.stop };
    }
    /** bare-proxy.mjs in front of `target`. */
    const bareProxy = (target: string, env: Record<string, string> = {}) => listening('bare-proxy.mjs', { TARGET: target, ...env });

    it('passes the method, path, query, headers and body through, and the answer back', async () => {
      const upstream = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          res.writeHead(201, { 'content-type': 'application/json', 'x-from': 'webapp' });
          res.end(JSON.stringify({ method: req.method, url: req.url, header: req.headers['x-test'], body }));
        });
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const proxy = await bareProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
      try {
        const answer = await fetch(`${proxy.url}/some/path?q=1`, { method: 'POST', headers: { 'x-test': 'yes' }, body: 'hello' });
        expect(answer.status).toBe(201);
        expect(answer.headers.get('x-from')).toBe('webapp');
        expect(await answer.json()).toEqual({ method: 'POST', url: '/some/path?q=1', header: 'yes', body: 'hello' });
      } finally {
        await proxy.stop();
        await new Promise<void>((resolve) => upstream.close(() => resolve()));
      }
    });

    it('adds the ADD_HEADERS headers to every request, over any the client sent (the second floor)', async () => {
      const upstream = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.headers));
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const added = { 'x-behalf-user': 'viewer', 'x-request-id': 'fixed' };
      const proxy = await bareProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { ADD_HEADERS: JSON.stringify(added) });
      try {
        const ask = async (headers: Record<string, string>) => (await (await fetch(`${proxy.url}/`, { headers })).json()) as Record<string, string>;
        expect(await ask({})).toMatchObject(added);
        expect(await ask({ 'x-behalf-user': 'forged', 'x-test': 'yes' })).toMatchObject({ ...added, 'x-test': 'yes' });
      } finally {
        await proxy.stop();
        await new Promise<void>((resolve) => upstream.close(() => resolve()));
      }
    });

    it("bench:gateway's webapp answers the headers it received at /.bench/headers, and its page elsewhere", async () => {
      const webapp = await listening('upstream.mjs');
      try {
        const seen = (await (await fetch(`${webapp.url}/.bench/headers`, { headers: { 'x-behalf-user': 'viewer' } })).json()) as Record<string, string>;
        expect(seen['x-behalf-user']).toBe('viewer');
        expect(await (await fetch(`${webapp.url}/`)).text()).toContain('hello from the webapp');
      } finally {
        await webapp.stop();
      }
    });

    it('answers 502 when nothing listens behind it', async () => {
      const proxy = await bareProxy(`http://127.0.0.1:${await freePort()}`);
      try {
        expect((await fetch(`${proxy.url}/`)).status).toBe(502);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('the slow-request reader (bench/runtime/slow-clusters, over BEHALF_BENCH_SAMPLES_DIR files)', () => {
    const slowClustersModule = () => import(join(OUT, 'bench/runtime/slow-clusters.js')) as Promise<typeof import('../../../bench/runtime/slow-clusters')>;
    /** 1,000 requests due 1 ms apart, answered in 1 ms, but for the slow ones given as [index, sent late by, latency]. */
    const runOf = (startedAtMs: number, slow: [number, number, number][]) => {
      const samples: [number, number, number][] = Array.from({ length: 1000 }, (_, i) => [i, i, 1]);
      for (const [i, late, latency] of slow) samples[i] = [i, i + late, latency];
      return { startedAtMs, columns: ['dueMs', 'sentMs', 'latencyMs'] as ['dueMs', 'sentMs', 'latencyMs'], samples };
    };
    const burst = (from: number, count: number, latency: number): [number, number, number][] => Array.from({ length: count }, (_, k) => [from + k, 0, latency]);

    it('groups the slowest 1 %, timed from when each request was due, into clusters of requests due together', async () => {
      const { slowClusters } = await slowClustersModule();
      // Ten answered slowly at 200–209 ms, one sent 40 ms late at 500 ms, five slow at 700–704 ms.
      const run = runOf(1_000_000, [...burst(200, 10, 30), [500, 40, 1], ...burst(700, 5, 50)]);
      expect(slowClusters(run)).toEqual([
        { dueAtMs: 1_000_200, size: 10, worstMs: 30 },
        { dueAtMs: 1_000_500, size: 1, worstMs: 41 },
        { dueAtMs: 1_000_700, size: 5, worstMs: 50 },
      ]);
      expect(slowClusters(runOf(0, []))).toHaveLength(1);
      expect(slowClusters({ ...runOf(0, []), samples: [] })).toEqual([]);
    });

    it('measures how strongly times line up at a period: near 1 at its multiples, near 0 spread over it', async () => {
      const { phaseAlignment } = await slowClustersModule();
      expect(phaseAlignment([3, 515, 1027.5, 5123, 10_243], 512)).toBeGreaterThan(0.99);
      expect(phaseAlignment([0, 64, 128, 192, 256, 320, 384, 448], 512)).toBeLessThan(1e-9);
      expect(phaseAlignment([], 512)).toBe(0);
    });

    it('prints each run’s clusters and their alignment over every run, compiled, from a samples directory', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'behalf-samples-'));
      try {
        writeFileSync(join(dir, 'gateway-1.json'), JSON.stringify(runOf(1_000_000, [...burst(0, 10, 30), ...burst(512, 10, 30)])));
        writeFileSync(join(dir, 'direct-1.json'), JSON.stringify(runOf(1_010_240, [...burst(0, 10, 9), ...burst(512, 10, 9)])));
        const { stdout } = await run(process.execPath, [join(OUT, 'bench/runtime/slow-clusters.js'), dir]);
        const lines = stdout.trim().split('\n');
        expect(lines).toHaveLength(3);
        expect(lines[0]).toMatch(
          /^direct-1: 1000 requests, 2 slow clusters, size median 10 max 10, worst median 9\.0 ms max 9\.0 ms, alignment at 512 ms 1\.00$/,
        );
        expect(lines[1]).toMatch(/^gateway-1: 1000 requests, 2 slow clusters, .* worst median 30\.0 ms max 30\.0 ms, /);
        expect(lines[2]).toBe('all runs: 4 clusters, alignment at 512 ms 1.00 (random times: about 0.50)');
        await expect(run(process.execPath, [join(OUT, 'bench/runtime/slow-clusters.js'), tmpdir() + '/behalf-no-such-dir'])).rejects.toThrow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
