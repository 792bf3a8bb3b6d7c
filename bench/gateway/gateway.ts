/**
 * `npm run bench:gateway`: Behalf's gateway against JupyterHub's configurable-http-proxy (CHP,
 * no authentication at all) in front of the same webapp, and the webapp reached directly, for the
 * latency the gateway adds. The gateway's webapp is `authenticated`, with identity headers and an
 * identity token injected into every request; the viewer has signed in through the real
 * authorization code round trip. Beside them, the floor: a bare Node proxy
 * (bench/gateway/bare-proxy.mjs), for what any Node proxy adds on this machine at the moment, so
 * that a noisy day shows as such in the report; and the same bare proxy adding the headers the
 * gateway adds (captured from one request through the gateway), for what a Node proxy that does
 * the gateway's header work, and nothing else, adds; and the webapp direct sent those headers,
 * for what reading them costs it. Each server runs in a process of its own, all
 * running, driven one at a time in interleaved rounds by autocannon from this process (32
 * connections), then paced; over the paced rounds the report also gives each proxy's CPU time and
 * garbage collections (bench/runtime/gc-stats.mjs, loaded into every server), and the webapp's
 * collections during each contender's rounds. Writes bench/results/gateway.json. Targets (issue
 * 17): throughput ≥ 1.0× CHP's; added p99 over direct ≤ 3 ms.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isForgeable } from '../../apps/gateway/src/headers';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';
import { projectRoot } from '../../apps/api/src/common/project-root';
import { cookieOf, freePort, http, within } from '@behalf/testing';
import { askGc, combineGc, GcTotals, readGc } from '../runtime/gc-totals';
import { BENCH_SESSION_COOKIE, Caller, figures, interleaved, LOAD, machine, median, paced, spawnListening, startServer, writeReport } from '../runtime/world';

const ROOT = projectRoot();
const TARGETS = { minRatioToChp: 1.0, maxAddedP99Ms: 3 };
/** Requests per second in all, for the latency phase: about half what either proxy carries here. */
const PACED_RATE = Number(process.env.BEHALF_BENCH_PACED_RATE ?? 2000);
const PASSWORD = 'bench-viewer-password';

/** Whether anything answers HTTP on 127.0.0.1:`port` at `path`, whatever its status. */
const answers =
  (port: number, path = '/') =>
  () =>
    http(port, `127.0.0.1:${port}`, path).then(
      () => true,
      () => false,
    );

/**
 * CPU time a process has used so far (user and system), in milliseconds, from /proc: its
 * utime and stime, in clock ticks of 10 ms (Linux's USER_HZ).
 */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // Free ports on loopback, asked for at once.
  const [gatewayPort, chpPort, chpApiPort, upstreamPort, barePort, bareIdentityPort] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const apiKey = `bhk_${randomUUID()}_${randomBytes(32).toString('base64url')}`;
  const apps = `http://*.localhost:${gatewayPort}`;
  const api = await startServer({ BEHALF_APPS_URL: apps, BEHALF_GATEWAY_API_KEY: apiKey });
  const stops: (() => Promise<void>)[] = [api.stop];
  // Every server counts its garbage collections (bench/runtime/gc-stats.mjs) into a file of its own.
  const gcDir = mkdtempSync(join(tmpdir(), 'behalf-bench-gc-'));
  stops.push(async () => rmSync(gcDir, { recursive: true, force: true }));
  const GC_STATS = ['--import', join(ROOT, 'bench/runtime/gc-stats.mjs')];
  const gcFile = (name: string) => join(gcDir, `${name}.json`);
  /** Starts one of the servers measured, counting its collections into gcFile(name); stopped at the end. */
  const startMeasured = async (
    name: string,
    script: string,
    env: Record<string, string>,
    ready: string | (() => Promise<unknown>),
    nodeArgs: readonly string[] = [],
    args: readonly string[] = [],
  ) => {
    const server = await spawnListening(script, { ...env, BEHALF_BENCH_GC_FILE: gcFile(name) }, ready, [...nodeArgs, ...GC_STATS], args);
    stops.unshift(server.stop);
    return server;
  };
  try {
    const upstream = await startMeasured('upstream', join(ROOT, 'bench/gateway/upstream.mjs'), { PORT: String(upstreamPort) }, 'ready');
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    // The floors run with the gateway's Node flags (its V8 heap settings): what differs is the code.
    const bare = await startMeasured(
      'bare',
      join(ROOT, 'bench/gateway/bare-proxy.mjs'),
      { PORT: String(barePort), TARGET: upstreamUrl },
      'ready',
      GATEWAY_NODE_FLAGS,
    );

    const profile = process.env.BEHALF_BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BEHALF_BENCH_PROFILE_DIR] : [];
    const gateway = await startMeasured(
      'gateway',
      join(ROOT, 'dist/apps/gateway/main.js'),
      {
        NODE_ENV: 'production',
        BEHALF_API_URL: api.url,
        BEHALF_PUBLIC_URL: api.url,
        BEHALF_APPS_URL: apps,
        BEHALF_GATEWAY_PORT: String(gatewayPort),
        BEHALF_GATEWAY_API_KEY: apiKey,
        BEHALF_LOG_LEVEL: 'warn',
      },
      () => within(30_000, answers(gatewayPort, '/readyz')),
      [...profile, ...GATEWAY_NODE_FLAGS],
    );
    const chp = await startMeasured(
      'chp',
      join(ROOT, 'node_modules/configurable-http-proxy/bin/configurable-http-proxy'),
      { NODE_ENV: 'production' },
      () => within(30_000, answers(chpPort)),
      [],
      [
        '--ip',
        '127.0.0.1',
        '--port',
        String(chpPort),
        '--api-ip',
        '127.0.0.1',
        '--api-port',
        String(chpApiPort),
        '--default-target',
        upstreamUrl,
        '--log-level',
        'warn',
      ],
    );

    // The world: a viewer, an authenticated webapp injecting headers and a JWT, its run.
    const admin = await Caller.login(api.url, 'admin', 'bench-admin-password');
    await admin.call('POST', '/api/v1/users', { login: 'viewer', displayName: 'Viewer', email: 'viewer@example.com', password: PASSWORD });
    const webapp = await admin.call<{ id: string; slug: string }>('POST', '/api/v1/webapps', { name: 'bench', kind: 'standard' });
    await admin.call('PATCH', `/api/v1/webapps/${webapp.id}/settings`, { access: 'authenticated', identityPropagation: { header: true, jwt: true } });
    const run = await admin.call<{ runId: string; backendToken: string }>('POST', `/api/v1/webapps/${webapp.id}/runs`, {});
    await new Caller(api.url, { authorization: `Bearer ${run.backendToken}` }).call('PUT', `/api/v1/webapps/${webapp.id}/runs/${run.runId}/upstream`, {
      url: upstreamUrl,
    });
    const host = `${webapp.slug}.localhost:${gatewayPort}`;

    // The viewer signs in: the gateway's redirect, the API's approval, the gateway's callback.
    const viewer = await Caller.login(api.url, 'viewer', PASSWORD);
    let first = await http(gatewayPort, host, '/', { headers: { accept: 'text/html' } });
    for (let i = 0; i < 20 && first.status === 503; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      first = await http(gatewayPort, host, '/', { headers: { accept: 'text/html' } });
    }
    const authorize = new URL(String(first.headers.location));
    const approved = await fetch(`${api.url}${authorize.pathname}${authorize.search}`, {
      redirect: 'manual',
      headers: { cookie: `${BENCH_SESSION_COOKIE}=${viewer.sessionCookie}` },
    });
    const callback = new URL(approved.headers.get('location') ?? '');
    const back = await http(gatewayPort, host, `${callback.pathname}${callback.search}`, {
      headers: { cookie: `behalf_gw_auth=${cookieOf(first.headers['set-cookie'], 'behalf_gw_auth')}` },
    });
    const session = cookieOf(back.headers['set-cookie'], 'behalf_gw');
    if (!session) throw new Error(`the viewer could not sign in at the gateway (${back.status})`);
    const check = await http(gatewayPort, host, '/', { headers: { cookie: `behalf_gw=${session}` } });
    if (check.status !== 200) throw new Error(`the gateway answered ${check.status}`);

    // What the gateway adds to a request, as the webapp received it (the gateway removes every
    // header of those names a client sends, so the ones left are its own): the second floor adds the same.
    const received = await http(gatewayPort, host, '/.bench/headers', { headers: { cookie: `behalf_gw=${session}` } });
    const identityHeaders = Object.fromEntries(Object.entries(JSON.parse(received.body) as Record<string, string>).filter(([name]) => isForgeable(name)));
    if (!identityHeaders['x-behalf-user'] || !identityHeaders['x-behalf-identity']) throw new Error('the gateway did not inject the identity headers');
    const bareIdentity = await startMeasured(
      'bareIdentity',
      join(ROOT, 'bench/gateway/bare-proxy.mjs'),
      { PORT: String(bareIdentityPort), TARGET: upstreamUrl, ADD_HEADERS: JSON.stringify(identityHeaders) },
      'ready',
      GATEWAY_NODE_FLAGS,
    );

    const contenders = {
      gateway: {
        name: 'gateway',
        url: `http://127.0.0.1:${gatewayPort}`,
        requests: [{ method: 'GET' as const, path: '/', headers: { host, cookie: `behalf_gw=${session}` } }],
      },
      chp: { name: 'chp', url: `http://127.0.0.1:${chpPort}`, requests: [{ method: 'GET' as const, path: '/' }] },
      bare: { name: 'bare', url: `http://127.0.0.1:${barePort}`, requests: [{ method: 'GET' as const, path: '/' }] },
      bareIdentity: { name: 'bareIdentity', url: `http://127.0.0.1:${bareIdentityPort}`, requests: [{ method: 'GET' as const, path: '/' }] },
      direct: { name: 'direct', url: upstreamUrl, requests: [{ method: 'GET' as const, path: '/' }] },
      directIdentity: { name: 'directIdentity', url: upstreamUrl, requests: [{ method: 'GET' as const, path: '/', headers: identityHeaders }] },
    };
    /** Each contender's name in the report. */
    const reportName: Record<string, string> = {
      gateway: 'gateway',
      chp: 'configurableHttpProxy',
      bare: 'bareProxy',
      bareIdentity: 'bareProxyWithIdentityHeaders',
      direct: 'direct',
      directIdentity: 'directWithIdentityHeaders',
      upstream: 'upstream',
    } satisfies Record<keyof typeof contenders | 'upstream', string>;
    const byReportName = <T>(of: readonly string[], value: (name: string) => T) => Object.fromEntries(of.map((name) => [reportName[name], value(name)]));
    const { results, ratio } = await interleaved(Object.values(contenders));
    const toChp = ratio('gateway', 'chp');
    const addedP99 = Number((results.gateway.load.p99Ms - results.direct.load.p99Ms).toFixed(2));
    // Saturated, a closed loop's latency is its connections over its rate (Little's law): at a
    // rate every contender carries, evenly paced, what the proxy itself adds shows.
    const names = Object.keys(contenders) as (keyof typeof contenders)[];
    const pacedRounds = Object.fromEntries(names.map((name) => [name, [] as Awaited<ReturnType<typeof paced>>[]]));
    const rounds = Number(process.env.BEHALF_BENCH_ROUNDS ?? 4);
    const pacedSeconds = Number(process.env.BEHALF_BENCH_SECONDS ?? 5);
    // The proxies' own CPU time while they carry the paced load: what one request costs them,
    // which this machine's drifting speed moves far less than rates or latencies.
    const pids: Record<string, number | undefined> = { gateway: gateway.pid, chp: chp.pid, bare: bare.pid, bareIdentity: bareIdentity.pid };
    const cpu = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
    /** A server's collections so far, asked of it: a proxy's, or the webapp's (`upstream`). */
    const servers: Record<string, number | undefined> = { ...pids, upstream: upstream.pid };
    /** Each server's young generation (KB) each time its collections were asked for, in order. */
    const youngGeneration: Record<string, number[]> = {};
    const gcNow = async (name: string) => {
      const { totals, youngGenerationKB } = await askGc(servers[name], gcFile(name));
      if (youngGenerationKB !== undefined) (youngGeneration[name] ??= []).push(youngGenerationKB);
      return totals;
    };
    /** What the server collected since its totals were `before`. */
    const gcSince = async (name: string, before: GcTotals) => combineGc(await gcNow(name), before, -1);
    // Their garbage collections over the same rounds, and the webapp's during each contender's.
    const gc: Record<string, GcTotals> = {};
    const webappGc: Record<string, GcTotals> = {};
    for (let round = 0; round < rounds; round += 1) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        // The collections are asked for outside the CPU time measured (writing them costs a little).
        const gcBefore = name in pids ? await gcNow(name) : undefined;
        const webappBefore = await gcNow('upstream');
        const before = cpuMs(pids[name]);
        const result = await paced(contenders[name], PACED_RATE, pacedSeconds);
        if (name in cpu) cpu[name] += cpuMs(pids[name]) - before;
        if (gcBefore) gc[name] = combineGc(gc[name] ?? {}, await gcSince(name, gcBefore));
        webappGc[name] = combineGc(webappGc[name] ?? {}, await gcSince('upstream', webappBefore));
        console.log(`paced round ${round + 1}, ${name}: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}`);
        pacedRounds[name].push(result);
      }
    }
    const longPauseMs = readGc(gcFile('gateway')).longMs;
    // Every paced run sends a warm-up second's worth besides its recorded seconds.
    const sent = rounds * PACED_RATE * (pacedSeconds + 1);
    const cpuMicrosPerRequest = (name: string) => Math.round((cpu[name] * 1000) / sent);
    const pacedP99 = (name: string) => median(pacedRounds[name].map((r) => r.p99Ms));
    // The same rounds timed from when each request was due: the generator's own lateness counted.
    const dueP99 = (name: string) => median(pacedRounds[name].map((r) => r.fromSchedule.p99Ms));
    /** What a contender adds over the webapp direct, by one of those p99s. */
    const addedOverDirect = (p99: (name: string) => number, name: string) => Number((p99(name) - p99('direct')).toFixed(2));
    const pacedAddedP99 = addedOverDirect(pacedP99, 'gateway');
    const dueAddedP99 = addedOverDirect(dueP99, 'gateway');
    const pacedClean = pacedRounds.gateway.every((r) => r.non2xx === 0 && r.errors === 0);
    const clean = (name: string) => results[name].load.non2xx === 0 && results[name].load.errors === 0;
    const report = {
      benchmark: 'gateway',
      startedAt: startedAt.toISOString(),
      machine: machine(),
      load: {
        connections: LOAD.connections,
        rounds: results.gateway.rounds.length,
        secondsPerRound: Number(process.env.BEHALF_BENCH_SECONDS ?? 5),
        loopbackOnly: true,
        /** This process's Node flags (`npm run bench:gateway`: `--no-memory-reducer`). */
        driverNodeFlags: process.execArgv,
        note: 'gateway, CHP, the two bare proxies and the webapp all running, each driven one at a time in interleaved rounds after a 5 s warm-up; rates over all rounds, p99 the median of the rounds',
      },
      gateway: {
        ...figures(results.gateway.load),
        rounds: results.gateway.rounds,
        setup: `node ${GATEWAY_NODE_FLAGS.join(' ')} dist/apps/gateway/main.js, NODE_ENV=production, BEHALF_LOG_LEVEL=warn; authenticated webapp, signed-in viewer, X-Behalf-User/-User-Id/-Groups/-Email and X-Behalf-Identity injected, forged headers stripped`,
      },
      configurableHttpProxy: {
        ...figures(results.chp.load),
        rounds: results.chp.rounds,
        setup: 'configurable-http-proxy 5.3.0, --default-target the same webapp, --log-level warn, no authentication',
      },
      bareProxy: {
        ...figures(results.bare.load),
        rounds: results.bare.rounds,
        setup: `the floor, not a peer: node ${GATEWAY_NODE_FLAGS.join(' ')} bench/gateway/bare-proxy.mjs (the gateway's Node flags), node:http both ways, kept-alive connections, the body piped; no routing, authentication, header rewriting, metrics or logging`,
      },
      bareProxyWithIdentityHeaders: {
        ...figures(results.bareIdentity.load),
        rounds: results.bareIdentity.rounds,
        addedHeaders: Object.fromEntries(Object.entries(identityHeaders).map(([name, value]) => [name, `${value.length} characters`])),
        setup:
          'the second floor, not a peer: the same bare proxy adding to every request the headers the gateway added to one (X-Behalf-*, X-Forwarded-*, Forwarded, X-Request-Id, captured at the webapp): the gateway’s header work and nothing else',
      },
      direct: { ...figures(results.direct.load), rounds: results.direct.rounds, setup: 'the webapp itself (bench/gateway/upstream.mjs)' },
      directWithIdentityHeaders: {
        ...figures(results.directIdentity.load),
        rounds: results.directIdentity.rounds,
        setup: 'the webapp itself, sent the headers the gateway adds with every request: what reading them costs the webapp, with no proxy',
      },
      ratio: { gatewayToChp: toChp, note: 'median of the per-round ratios' },
      addedLatency: {
        saturated: {
          p99Ms: addedP99,
          note: 'gateway p99 minus direct p99 (medians of the rounds), each driven as fast as it answers: mostly queueing, since direct answers several times faster',
        },
        paced: {
          p99Ms: pacedAddedP99,
          overallRate: PACED_RATE,
          p99MsMedian: byReportName(names, pacedP99),
          bareProxyP99Ms: addedOverDirect(pacedP99, 'bare'),
          bareProxyNote: 'the bare proxy’s paced p99 minus direct’s: what any Node proxy adds on this machine during this run',
          bareProxyWithIdentityHeadersP99Ms: addedOverDirect(pacedP99, 'bareIdentity'),
          bareProxyWithIdentityHeadersNote: 'the same for the bare proxy adding the gateway’s headers: what any Node proxy adding them adds during this run',
          cpuMicrosPerRequest: {
            ...byReportName(Object.keys(pids), cpuMicrosPerRequest),
            note: 'each proxy process’s CPU time (user and system, /proc) over its paced rounds, divided by the requests sent to it',
          },
          gc: {
            ...byReportName(Object.keys(pids), (name) => gc[name]),
            longPauseMs,
            youngGenerationKB: byReportName(Object.keys(servers), (name) => youngGeneration[name] ?? []),
            note: 'each proxy process’s garbage collections over its paced rounds, by kind (V8’s figures through perf_hooks, bench/runtime/gc-stats.mjs, written only between legs): how many, the time they paused it in all, and how many paused it over longPauseMs; youngGenerationKB, each server’s young generation (V8’s new space) each time its collections were read, in order (the webapp’s as `upstream`)',
          },
          webappGc: {
            ...byReportName(names, (name) => webappGc[name]),
            note: 'the webapp’s garbage collections over each contender’s paced rounds, the same way',
          },
          fromSchedule: {
            p99Ms: dueAddedP99,
            bareProxyP99Ms: addedOverDirect(dueP99, 'bare'),
            bareProxyWithIdentityHeadersP99Ms: addedOverDirect(dueP99, 'bareIdentity'),
            p99MsMedian: byReportName(names, dueP99),
            note: 'the same rounds, each answer timed from when its request was due rather than from when the generator sent it: a request the generator sent late (its own pause, a core taken from it) counts its wait, as with wrk2; the gateway’s p99 minus direct’s, and the floors’',
          },
          rounds: pacedRounds,
          note: 'an open loop at the same overall rate, evenly spaced, over at most 32 keep-alive connections, interleaved rounds: what the proxy adds to a request; p99 medians of the rounds',
        },
      },
      targets: {
        ...TARGETS,
        throughputMet: toChp >= TARGETS.minRatioToChp && clean('gateway'),
        latencyMetSaturated: addedP99 <= TARGETS.maxAddedP99Ms,
        latencyMetPaced: pacedAddedP99 <= TARGETS.maxAddedP99Ms && pacedClean,
        latencyMetPacedFromSchedule: dueAddedP99 <= TARGETS.maxAddedP99Ms && pacedClean,
      },
    };
    console.log('wrote', await writeReport('gateway', report));
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
