/**
 * The nearest-rank quantile `q` (0–1) of values sorted ascending: the value below which a share
 * `q` of them lie (the largest for q = 1). No imports: the paced load generator, a process of its
 * own, loads it.
 */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
