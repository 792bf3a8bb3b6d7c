interface Entry<V> {
  value: V;
  generation: number | string;
  expiresAtMs: number;
}

/**
 * Values valid for one change-feed generation and at most `ttlMs` (the safety net should a
 * notification ever be lost). Bounded: when full, it starts over. A value read while the
 * generation moved is not stored, so no invalidation can be missed by a read racing a write.
 */
export class GenerationalCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The value, or undefined when absent, from another generation, or too old. */
  get(key: string, generation: number | string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation || entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores a value read at `generation`; dropped if the world moved on while it was read. */
  set(key: string, value: V, generation: number | string, currentGeneration: number | string, nowMs: number): void {
    if (!this.enabled || generation !== currentGeneration) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, generation, expiresAtMs: nowMs + this.ttlMs });
  }

  /**
   * The cached value of `key`, else `load()`'s, cached. The generation is read before loading,
   * so a value read across a change is returned but not kept.
   */
  async through(key: string, generation: () => number | string, load: () => Promise<V>): Promise<V> {
    const before = generation();
    const cached = this.get(key, before, Date.now());
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(key, value, before, generation(), Date.now());
    return value;
  }
}
