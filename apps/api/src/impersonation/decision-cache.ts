import type { DecisionFacts } from './policy';

interface Entry {
  facts: DecisionFacts | null;
  generation: number;
  expiresAtMs: number;
}

/**
 * Decision facts by (actor, subject), valid for one change-feed generation and at most `ttlMs`
 * (the safety net should a notification ever be lost). Bounded: when full, it starts over.
 * Facts, not decisions, are cached, so a grant's expiry is judged against the clock on every use.
 */
export class DecisionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(key: string, generation: number, nowMs: number): DecisionFacts | null | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation || entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.facts;
  }

  /** Stores facts read at `generation`; dropped if the world moved on while they were read. */
  set(key: string, facts: DecisionFacts | null, generation: number, currentGeneration: number, nowMs: number): void {
    if (!this.enabled || generation !== currentGeneration) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { facts, generation, expiresAtMs: nowMs + this.ttlMs });
  }
}
