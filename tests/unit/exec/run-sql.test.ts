import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManifestNode } from '../../../src/contracts/manifest.js';
import { runSql } from '../../../src/exec/run-relational.js';
import type { RunContext } from '../../../src/exec/types.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const model = (compiled_code: string) =>
  ({ unique_id: 'model.p.m', name: 'm', original_file_path: 'models/m.yml', relation_name: '"main"."m"', compiled_code, config: { materialized: 'table' } }) as unknown as ManifestNode;

describe('runSql runs exactly one statement, whatever the manifest says', () => {
  let warehouse: Warehouse;
  let ctx: RunContext;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
    ctx = { warehouse } as unknown as RunContext;
  });
  afterEach(() => warehouse.close());

  it('fails the node on a second statement and runs neither', async () => {
    const result = await runSql(model('select 1 as a; drop table loom.runs; --'), ctx);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/^models\/m\.yml: the sql of `m` compiles to 2 statements/);
    expect(await warehouse.meta.all('select count(*) as n from loom.runs')).toEqual([{ n: 0 }]);
    expect(await warehouse.meta.columnNames('main.m')).toBeNull();
  });

  it('runs one statement, a trailing semicolon included', async () => {
    const result = await runSql(model('select 1 as a;'), ctx);
    expect(result.status).toBe('success');
    expect(result.rows).toBe(1);
  });
});
