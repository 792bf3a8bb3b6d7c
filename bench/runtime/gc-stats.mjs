// Loaded into a benchmarked server with `--import`: counts its garbage collections by kind and the
// time they paused it (V8's own figures, through perf_hooks), in memory. It writes the running
// totals as JSON to BEHALF_BENCH_GC_FILE only when asked (SIGUSR2), and once at load and at exit,
// so a bench reads them before and after a leg without the measured server touching a file while
// it is measured. What a proxy's collections cost its requests shows there (bench:gateway's
// report, `gc`).
import { renameSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BEHALF_BENCH_GC_FILE;
/** Pauses over this are counted apart: with the 1 ms a request usually takes through a proxy, each puts the requests it catches at the 3 ms target. */
const LONG_MS = 2;
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};
if (file) {
  const totals = Object.fromEntries(Object.values(KINDS).map((kind) => [kind, { count: 0, ms: 0, overLongMs: 0 }]));
  // `snapshot` counts the writes: a bench that asked for one waits until it has gone up.
  let snapshot = 0;
  // Written aside and renamed over: a bench reading the file never sees half of it.
  // With them, the young generation's size then: V8 grows it (up to --max-semi-space-size) when
  // much survives a scavenge, and a larger one is scavenged less often but spreads the
  // allocations over more memory.
  const write = () => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const youngGenerationKB = young ? Math.round(young.space_size / 1024) : undefined;
    writeFileSync(`${file}.tmp`, JSON.stringify({ snapshot, longMs: LONG_MS, youngGenerationKB, totals }));
    renameSync(`${file}.tmp`, file);
    snapshot += 1;
  };
  write();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const total = totals[KINDS[entry.detail?.kind]];
      if (!total) continue;
      total.count += 1;
      total.ms += entry.duration;
      if (entry.duration > LONG_MS) total.overLongMs += 1;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', write);
  process.on('exit', write);
}
