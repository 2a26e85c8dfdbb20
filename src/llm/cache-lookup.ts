/**
 * Cache reads for many concurrent calls: lookups that arrive in the same turn of the event loop go to the
 * store as one `getMany` (the DataLoader pattern), and answers written this run but not yet flushed are
 * served from memory.
 */
import type { CacheEntry, CacheStore } from './service-types.js';

interface Waiter {
  keys: readonly string[];
  resolve(entry: CacheEntry | null): void;
  reject(error: unknown): void;
}

const MAX_BATCH_KEYS = 1000;

export class CacheLookup {
  private waiters: Waiter[] = [];
  private scheduled = false;
  /** Written this run and not yet confirmed in the store. */
  private readonly recent = new Map<string, CacheEntry>();
  /** Looked up ahead of time by `prefetch` (null: known miss); each is used once, then dropped. */
  private readonly known = new Map<string, CacheEntry | null>();

  constructor(private readonly store: CacheStore) {}

  /** The entry for the first of `keys` that is cached (in that order of preference), or null. */
  get(keys: readonly string[]): Promise<CacheEntry | null> {
    for (const key of keys) {
      const entry = this.recent.get(key);
      if (entry) return Promise.resolve(entry);
    }
    if (keys.every((key) => this.known.has(key))) {
      let hit: CacheEntry | null = null;
      for (const key of keys) {
        hit ??= this.known.get(key) ?? null;
        this.known.delete(key);
      }
      return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ keys, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  /**
   * Looks up many keys in one store query before the calls that need them are made, so a stream of rows
   * costs one query per chunk instead of one per row (at zero latency, turns hold one call each).
   */
  async prefetch(keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((key) => !this.recent.has(key) && !this.known.has(key));
    for (let i = 0; i < missing.length; i += MAX_BATCH_KEYS * 4) {
      const slice = missing.slice(i, i + MAX_BATCH_KEYS * 4);
      const found = await this.store.getMany(slice);
      for (const key of slice) this.known.set(key, found.get(key) ?? null);
    }
  }

  remember(entry: CacheEntry): void {
    this.recent.set(entry.cache_key, entry);
  }

  /** The store now holds these: stop keeping them in memory. */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.recent.delete(key);
  }

  private run(): void {
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    let batch: Waiter[] = [];
    let keys = new Set<string>();
    for (const waiter of waiters) {
      if (keys.size + waiter.keys.length > MAX_BATCH_KEYS && batch.length > 0) {
        void this.load(batch, keys);
        batch = [];
        keys = new Set();
      }
      batch.push(waiter);
      for (const key of waiter.keys) keys.add(key);
    }
    if (batch.length > 0) void this.load(batch, keys);
  }

  private async load(waiters: Waiter[], keys: Set<string>): Promise<void> {
    let found: Map<string, CacheEntry>;
    try {
      found = await this.store.getMany([...keys]);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) {
      let hit: CacheEntry | null = null;
      for (const key of w.keys) {
        const entry = found.get(key) ?? this.recent.get(key);
        if (entry) {
          hit = entry;
          break;
        }
      }
      w.resolve(hit);
    }
  }
}
