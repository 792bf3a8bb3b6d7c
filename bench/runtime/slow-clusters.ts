/**
 * Where a paced run's slow requests are: a reader of the files `BEHALF_BENCH_SAMPLES_DIR` makes
 * (one per paced run, `<contender>-<n>.json`, every recorded request's due time, send time and
 * latency). The slowest requests of a run come in clusters of requests due close together; when
 * the clusters of every contender, direct included, recur at one period of wall-clock time, the
 * cause is outside the processes measured (docs/operations.md, the gateway bench log).
 *
 *   node dist/bench/bench/runtime/slow-clusters.js /tmp/samples [periodMs=512]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PacedSamples } from './paced-load';
import { quantile } from './quantile';

/** Slow requests due within this of the one before are one cluster. */
export const CLUSTER_GAP_MS = 5;

export interface SlowCluster {
  /** When its first request was due, in ms of wall-clock time (epoch). */
  dueAtMs: number;
  /** How many of the run's slow requests it holds. */
  size: number;
  /** Its slowest request, timed from when it was due. */
  worstMs: number;
}

/** A request's time from when it was due to its answer: the generator's lateness and the latency. */
const fromDue = ([due, sent, latency]: PacedSamples['samples'][number]) => sent - due + latency;

/**
 * The run's requests at or over its `q` quantile (timed from when each was due), grouped into
 * clusters of requests due within `gapMs` of the one before, in order of due time.
 */
export function slowClusters(run: PacedSamples, q = 0.99, gapMs = CLUSTER_GAP_MS): SlowCluster[] {
  if (run.samples.length === 0) return [];
  const threshold = quantile(
    run.samples.map(fromDue).sort((a, b) => a - b),
    q,
  );
  const slow = run.samples.filter((s) => fromDue(s) >= threshold).sort((a, b) => a[0] - b[0]);
  const clusters: SlowCluster[] = [];
  let lastDue = Number.NEGATIVE_INFINITY;
  for (const sample of slow) {
    const current = clusters.at(-1);
    if (current && sample[0] - lastDue <= gapMs) {
      current.size += 1;
      current.worstMs = Math.max(current.worstMs, fromDue(sample));
    } else {
      clusters.push({ dueAtMs: run.startedAtMs + sample[0], size: 1, worstMs: fromDue(sample) });
    }
    lastDue = sample[0];
  }
  return clusters;
}

/**
 * How strongly times line up at `periodMs`: the mean resultant length of their phases (0 when
 * spread evenly over the period, 1 when all at one phase). Random times give about 1/√n.
 */
export function phaseAlignment(timesMs: readonly number[], periodMs: number): number {
  if (timesMs.length === 0) return 0;
  let x = 0;
  let y = 0;
  for (const t of timesMs) {
    const angle = (2 * Math.PI * (t % periodMs)) / periodMs;
    x += Math.cos(angle);
    y += Math.sin(angle);
  }
  return Math.hypot(x, y) / timesMs.length;
}

function main(dir: string, periodMs: number): void {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`${dir} holds no samples files: run a bench with BEHALF_BENCH_SAMPLES_DIR=${dir}`);
  const allStarts: number[] = [];
  for (const name of files) {
    const run = JSON.parse(readFileSync(join(dir, name), 'utf8')) as PacedSamples;
    const clusters = slowClusters(run);
    const sizes = clusters.map((c) => c.size).sort((a, b) => a - b);
    const worst = clusters.map((c) => c.worstMs).sort((a, b) => a - b);
    allStarts.push(...clusters.map((c) => c.dueAtMs));
    console.log(
      `${name.replace(/\.json$/, '')}: ${run.samples.length} requests, ${clusters.length} slow clusters,` +
        ` size median ${quantile(sizes, 0.5) ?? 0} max ${sizes.at(-1) ?? 0}, worst median ${(quantile(worst, 0.5) ?? 0).toFixed(1)} ms max ${(worst.at(-1) ?? 0).toFixed(1)} ms,` +
        ` alignment at ${periodMs} ms ${phaseAlignment(
          clusters.map((c) => c.dueAtMs),
          periodMs,
        ).toFixed(2)}`,
    );
  }
  console.log(
    `all runs: ${allStarts.length} clusters, alignment at ${periodMs} ms ${phaseAlignment(allStarts, periodMs).toFixed(2)}` +
      ` (random times: about ${(1 / Math.sqrt(Math.max(1, allStarts.length))).toFixed(2)})`,
  );
}

if (require.main === module) main(process.argv[2] ?? '', Number(process.argv[3] ?? 512));
