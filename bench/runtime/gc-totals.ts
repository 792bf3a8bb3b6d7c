/**
 * The bench's side of bench/runtime/gc-stats.mjs: a benchmarked server's garbage collections read
 * between legs (asked for with a signal), and the arithmetic over them.
 */
import { readFileSync } from 'node:fs';

/** A server's garbage collections so far, by kind, as `bench/runtime/gc-stats.mjs` counts them. */
export type GcTotals = Record<string, { count: number; ms: number; overLongMs: number }>;
/** What gc-stats.mjs writes: its totals, the pause over which it counts one as long, the young generation's size, and which write this is. */
export interface GcSnapshot {
  snapshot: number;
  longMs: number;
  /** V8's new space (both halves) at the write, in KB. */
  youngGenerationKB?: number;
  totals: GcTotals;
}
export const readGc = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as GcSnapshot;

/**
 * A server's collections so far, with its young generation's size: asked for with SIGUSR2
 * (gc-stats.mjs writes its totals then, and never while the server is measured), answered once
 * the file holds a newer snapshot.
 */
export async function askGc(pid: number | undefined, file: string): Promise<GcSnapshot> {
  const last = readGc(file).snapshot;
  if (pid === undefined) throw new Error(`${file}'s server has no process to ask for its collections`);
  // Throws when the process is gone.
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 5_000;
  for (;;) {
    const now = readGc(file);
    if (now.snapshot > last) return now;
    if (Date.now() > deadline) throw new Error(`${file}'s server did not write its collections within 5 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** `a` plus `sign` times `b`, per kind of collection, pause times rounded to 0.1 ms: a sum, or with -1 what came between. */
export function combineGc(a: GcTotals, b: GcTotals, sign: 1 | -1 = 1): GcTotals {
  return Object.fromEntries(
    Object.entries(b).map(([kind, y]) => {
      const x = a[kind] ?? { count: 0, ms: 0, overLongMs: 0 };
      return [kind, { count: x.count + sign * y.count, ms: Math.round((x.ms + sign * y.ms) * 10) / 10, overLongMs: x.overLongMs + sign * y.overLongMs }];
    }),
  );
}
