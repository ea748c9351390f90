// A bounded in-process cache whose entries expire: recently used first kept, nothing older than
// its max age served. No I/O; callers decide what is cached and when it is dropped.

export interface ExpiringCacheOptions {
  maxEntries: number;
  /** No entry is served once this much older than when it was read; 0 caches nothing. */
  maxAgeMs: number;
  /** With set's `weight` (bytes, say): the least recently used go once the entries weigh more. */
  maxWeight?: number;
  now?: () => number;
}

export class ExpiringCache<V> {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  private readonly entries = new Map<string, { value: V; expiresAt: number; weight: number }>();
  private gen = 0;
  private weight = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ExpiringCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Take this before reading what will be stored, and hand it to set: a value read before a
   * clear() or delete (an invalidation that raced the read) is then not stored after it.
   */
  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAt <= this.now()) {
      this.weight -= e.weight;
      return undefined;
    }
    this.entries.set(key, e);
    return e.value;
  }

  /**
   * Store a value read at `generation`; it expires after the max age, or at `expiresAt` (ms
   * since the epoch) if that is sooner.
   */
  set(key: string, value: V, generation: number, expiresAt = Infinity, weight = 0): void {
    if (generation !== this.gen || this.opts.maxAgeMs <= 0 || this.opts.maxEntries <= 0) return;
    const maxWeight = this.opts.maxWeight ?? Infinity;
    if (weight > maxWeight) return;
    const at = Math.min(this.now() + this.opts.maxAgeMs, expiresAt);
    if (at <= this.now()) return;
    this.remove(key);
    this.entries.set(key, { value, expiresAt: at, weight });
    this.weight += weight;
    while (this.entries.size > this.opts.maxEntries || this.weight > maxWeight) this.remove(this.entries.keys().next().value!);
  }

  /** Drop the keys `matches` says; like clear(), a value read before it is not stored after it. */
  deleteWhere(matches: (key: string) => boolean): void {
    this.gen++;
    for (const key of this.entries.keys()) if (matches(key)) this.remove(key);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
    this.weight = 0;
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.weight -= e.weight;
  }
}
