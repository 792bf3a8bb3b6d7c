/**
 * The paced load generator, run by `paced()` in `world.ts` as a process of its own: an open loop
 * of `rate` requests per second, evenly spaced, over at most `connections` kept-alive
 * connections, for `seconds` after one second's warm-up. Reads its job as JSON from its first
 * argument and writes the latency figures as JSON on stdout: each answer timed from its request's
 * send, and (`fromSchedule`) from when the request was due. With `samplesFile`, it also writes every
 * recorded request there ({@link PacedSamples}), for finding when the slow ones happened.
 */
import { writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { quantile } from './quantile';

export interface PacedJob {
  contender: { url: string; requests: { method?: string; path: string; headers?: Record<string, string> }[] };
  rate: number;
  seconds: number;
  connections: number;
  /** Where to write every recorded request's times, as {@link PacedSamples} JSON. */
  samplesFile?: string;
}

/** Every recorded request of one run: when it was due and sent, and how long its answer took. */
export interface PacedSamples {
  /** When the first request (of the warm-up) was due, in ms since the epoch: the offsets' zero. */
  startedAtMs: number;
  columns: ['dueMs', 'sentMs', 'latencyMs'];
  /** One row per recorded request, in the order answered: offsets from `startedAtMs`, and the latency from the send. */
  samples: [number, number, number][];
}

export interface PacedResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests answered after the warm-up (the latencies' count). */
  requests: number;
  /** Answers that were not 2xx, and requests that failed, over every request sent, warm-up included. */
  non2xx: number;
  errors: number;
  /**
   * The same answers timed from when each request was due rather than from when it was sent: a
   * generator running late (its own collections, a core taken from it) sends the overdue requests
   * at once, and their wait counts here (wrk2's measure, free of coordinated omission).
   */
  fromSchedule: { p50Ms: number; p99Ms: number };
}

export async function pacedLoad({ contender, rate, seconds, connections, samplesFile }: PacedJob): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(contender.url);
  const spec = contender.requests[0];
  const latencies: number[] = [];
  const fromSchedule: number[] = [];
  const samples: PacedSamples['samples'] | undefined = samplesFile === undefined ? undefined : [];
  let non2xx = 0;
  let errors = 0;
  const pending = new Set<Promise<void>>();
  const send = (recorded: boolean, due: number) =>
    new Promise<void>((done) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: spec.path,
          method: spec.method ?? 'GET',
          headers: spec.headers as Record<string, string>,
          agent,
          setHost: !spec.headers?.host,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (recorded) {
              const now = performance.now();
              latencies.push(now - started);
              fromSchedule.push(now - due);
              samples?.push([due - start, started - start, now - started]);
            }
            if ((res.statusCode ?? 0) >= 300) non2xx += 1;
            done();
          });
        },
      );
      req.on('error', () => {
        errors += 1;
        done();
      });
      req.end();
    });
  const interval = 1000 / rate;
  // The first second warms this process up (its connections, its compiled code) unrecorded.
  const warmUp = rate;
  const start = performance.now();
  for (let i = 0; i < warmUp + rate * seconds;) {
    if (performance.now() - start >= i * interval) {
      const p = send(i >= warmUp, start + i * interval);
      pending.add(p);
      void p.then(() => pending.delete(p));
      i += 1;
    } else {
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(1, start + i * interval - performance.now()))));
    }
  }
  await Promise.all(pending);
  agent.destroy();
  if (samplesFile !== undefined && samples) {
    const written: PacedSamples = { startedAtMs: performance.timeOrigin + start, columns: ['dueMs', 'sentMs', 'latencyMs'], samples };
    writeFileSync(samplesFile, JSON.stringify(written));
  }
  /** The quantiles of `values` in ms, to 0.01 ms (0 when there are none). */
  const quantiles = (values: number[]) => {
    const sorted = values.sort((x, y) => x - y);
    return (q: number) => Number((quantile(sorted, q) ?? 0).toFixed(2));
  };
  const at = quantiles(latencies);
  const due = quantiles(fromSchedule);
  return {
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
    requests: latencies.length,
    non2xx,
    errors,
    fromSchedule: { p50Ms: due(0.5), p99Ms: due(0.99) },
  };
}

if (require.main === module) {
  pacedLoad(JSON.parse(process.argv[2]) as PacedJob).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
