/** In-memory CacheStore / CallRecorder with call counters, and settings for tests. */
import type { CacheEntry, CacheStore, CallContext, CallRecorder } from '../../../src/llm/service-types.js';
import type { CallRecord, ProviderSettings } from '../../../src/llm/types.js';

export class MemoryCache implements CacheStore {
  readonly entries = new Map<string, CacheEntry>();
  getManyCalls: string[][] = [];
  putManyCalls = 0;
  async getMany(keys: readonly string[]): Promise<Map<string, CacheEntry>> {
    this.getManyCalls.push([...keys]);
    const out = new Map<string, CacheEntry>();
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) out.set(k, e);
    }
    return out;
  }
  async putMany(entries: readonly CacheEntry[]): Promise<void> {
    this.putManyCalls++;
    for (const e of entries) this.entries.set(e.cache_key, e);
  }
}

export class MemoryRecorder implements CallRecorder {
  readonly records: CallRecord[] = [];
  async recordMany(records: readonly CallRecord[]): Promise<void> {
    this.records.push(...records);
  }
}

export function testSettings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    provider: 'openai',
    concurrency: 8,
    timeout_ms: 2_000,
    max_retries: 2,
    backoff_base_ms: 1,
    backoff_max_ms: 5,
    ...overrides,
  };
}

export function context(overrides: Partial<CallContext> = {}): CallContext {
  return { run_id: 'run-1', node_id: 'model.demo.reviews', row_key: 'r1', stage: 'transform', evaluator: null, budgets: [], ...overrides };
}

export const KEY_ENV = { OPENAI_API_KEY: 'sk-test' };
