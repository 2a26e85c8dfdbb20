import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureLlmTable, type LlmTableSpec } from '../../../src/warehouse/llm-table.js';
import { writeBatch, type FinishedRow } from '../../../src/warehouse/llm-rows.js';
import { warehouseCacheStore } from '../../../src/warehouse/llm-store.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const spec: LlmTableSpec = {
  nodeId: 'model.p.classify',
  relation: '"main"."classify"',
  schema: 'main',
  table: 'classify',
  input: '"main"."reviews"',
  inputColumns: [{ name: 'id', type: 'VARCHAR' }],
  keyColumn: 'id',
  copied: [{ name: 'id', type: 'VARCHAR' }],
  outputs: [{ name: 'sentiment', type: 'VARCHAR' }],
};
const ctx = { runId: 'run-1', commit: null, fingerprint: 'fp', promptVersion: 'pv', contextVersions: '{}', inputNode: 'model.p.reviews' };
const row = (i: number, disposition: FinishedRow['disposition'] = 'passed'): FinishedRow => ({
  key: `r${i}`,
  inputHash: `h${i}`,
  replaces: false,
  row: JSON.stringify({ id: `r${i}` }),
  disposition,
  output: JSON.stringify({ sentiment: i % 2 ? 'positive' : 'negative' }),
  model: 'gpt-4o-mini',
  reason: disposition === 'passed' ? null : 'gate failed',
  scores: null,
  prompt: disposition === 'passed' ? null : `prompt ${i}`,
  evaluations: [],
});

describe('writing answers', () => {
  let warehouse: Warehouse;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
    await ensureLlmTable(warehouse.writer, spec);
  });
  afterEach(() => warehouse.close());

  it('stages each batch in temp tables it drops, so staged rows do not pile up in memory for the whole build', async () => {
    for (let b = 0; b < 3; b++) await writeBatch(warehouse.writer, spec, Array.from({ length: 300 }, (_, i) => row(b * 300 + i, i === 7 ? 'quarantined' : 'passed')), ctx);
    const counts = await warehouse.writer.all<{ passed: number; held: number; lineage: number }>(
      `select (select count(*) from main.classify) as passed, (select count(*) from loom.quarantine) as held, (select count(*) from loom.lineage) as lineage`,
    );
    expect(counts[0]).toEqual({ passed: 897, held: 3, lineage: 900 });
    const temps = await warehouse.writer.all('select table_name from duckdb_tables() where temporary');
    expect(temps).toEqual([]);
  });

  it('leaves no staging table behind after caching answers', async () => {
    const store = warehouseCacheStore(warehouse.meta);
    const entry = (i: number) => ({ cache_key: i.toString(16).padStart(64, '0'), kind: 'completion' as const, provider: 'openai', model: 'm', response: { content: `a${i}` } as never, created_at: '2026-11-25T00:00:00.000Z' });
    await store.putMany([entry(1), entry(2)]);
    await store.putMany([entry(2), entry(3)]);
    expect((await store.getMany([entry(1).cache_key, entry(3).cache_key])).size).toBe(2);
    expect(await warehouse.meta.all('select table_name from duckdb_tables() where temporary')).toEqual([]);
  });
});
