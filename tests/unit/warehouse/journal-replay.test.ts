import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, replayJournals } from '../../../src/llm/journal.js';
import type { CacheEntry } from '../../../src/llm/service-types.js';
import type { CallRecord } from '../../../src/llm/types.js';
import { warehouseCacheStore, warehouseCallRecorder, warehouseJournalSink } from '../../../src/warehouse/llm-store.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const RUN = 'run-1';
const key = (i: number) => i.toString(16).padStart(64, '0');
const entry = (i: number): CacheEntry => ({
  cache_key: key(i),
  kind: 'completion',
  provider: 'openai',
  model: 'gpt-4o-mini',
  response: { content: `answer ${i}`, usage: { input_tokens: 10, output_tokens: 3, cached_input_tokens: 0 } } as never,
  created_at: '2026-11-25T00:00:00.000Z',
});
const record = (i: number): CallRecord => ({
  call_id: `call-${i}`,
  run_id: RUN,
  node_id: 'model.p.m',
  row_key: `r${i}`,
  stage: 'transform',
  evaluator: null,
  cache_key: key(i),
  provider: 'openai',
  model: 'gpt-4o-mini',
  attempt: 1,
  status: 'success',
  http_status: 200,
  tokens_in: 10,
  tokens_out: 3,
  tokens_cached: 0,
  cost_usd: 0.00001,
  latency_ms: 50,
  error: null,
  started_at: '2026-11-25T00:00:00.000Z',
});

describe('replaying journals a crash left behind', () => {
  let warehouse: Warehouse;
  let dir: string;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
    dir = mkdtempSync(join(tmpdir(), 'loom-journal-'));
  });
  afterEach(async () => {
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stores = () => ({
    cache: warehouseCacheStore(warehouse.meta),
    recorder: warehouseCallRecorder(warehouse.meta),
    sink: warehouseJournalSink(warehouse.meta),
  });
  const calls = async () => (await warehouse.meta.all<{ n: number; ids: number }>('select count(*) as n, count(distinct call_id) as ids from loom.llm_calls'))[0];

  function segment(from: number, to: number): string {
    const journal = new Journal(dir, RUN);
    for (let i = from; i < to; i++) journal.append(entry(i), [record(i)]);
    return journal.rotate()!;
  }

  it('only deletes a segment that was loaded before the build died, instead of counting its calls twice', async () => {
    const { cache, recorder, sink } = stores();
    const loadedButNotDeleted = segment(0, 150);
    await sink.ingest([loadedButNotDeleted]); // killed here: the file is still on disk
    const neverLoaded = segment(150, 200);
    const result = await replayJournals(dir, cache, recorder, sink);
    expect(await calls()).toEqual({ n: 200, ids: 200 });
    expect(result.records).toBe(50);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(neverLoaded)).toBe(false);
    // Nothing left to remember once the files are gone.
    expect((await warehouse.meta.all<{ n: number }>('select count(*) as n from loom.journal_segments'))[0]!.n).toBe(0);
  });

  it('skips the records a replay killed half way already wrote, and tolerates a line cut short', async () => {
    const { cache, recorder, sink } = stores();
    const file = segment(0, 100);
    await recorder.recordMany(Array.from({ length: 40 }, (_, i) => record(i)));
    writeFileSync(file, '{"records":[{"call_id":"cut', { flag: 'a' });
    const result = await replayJournals(dir, cache, recorder, sink);
    expect(result.skipped_lines).toBe(1);
    expect(result.records).toBe(60);
    expect(await calls()).toEqual({ n: 100, ids: 100 });
    expect((await cache.getMany([key(0), key(99)])).size).toBe(2);
  });

  it('loads a segment whose last line a full disk cut short: the torn line is skipped, the rest stored', async () => {
    const { sink } = stores();
    const file = segment(0, 30);
    writeFileSync(file, '{"entry":{"cache_key":"cut', { flag: 'a' });
    await sink.ingest([file]);
    expect(await calls()).toEqual({ n: 30, ids: 30 });
    expect((await warehouse.meta.all<{ n: number }>('select count(*)::integer as n from loom.llm_cache'))[0]!.n).toBe(30);
  });
});
