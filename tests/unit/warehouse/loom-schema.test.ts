import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/diagnostics/diagnostic.js';
import { countStatementsOffline } from '../../../src/warehouse/database.js';
import { createLoomTableSql, DAMAGED_LOOM_SCHEMA_CODE, LOOM_TABLES } from '../../../src/warehouse/loom-schema.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const tableSql = async (w: Warehouse) =>
  Object.fromEntries(
    (await w.meta.all<{ table_name: string; sql: string }>("select table_name, sql from duckdb_tables() where schema_name = 'loom'")).map((r) => [r.table_name, r.sql]),
  );

describe('the loom schema checked at open', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-schema-'));
    path = join(dir, 'warehouse.duckdb');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const damage = async (sql: string) => {
    const w = await Warehouse.open(path);
    await w.meta.run(sql);
    await w.close();
  };

  it('LOOM_TABLES is exactly what the migrations create, and re-creates each table as they do', async () => {
    const w = await Warehouse.open(':memory:');
    const migrated = await tableSql(w);
    expect(Object.keys(migrated).sort()).toEqual(Object.keys(LOOM_TABLES).sort());
    for (const table of Object.keys(LOOM_TABLES)) {
      await w.meta.run(`drop table loom.${table}`);
      await w.meta.run(createLoomTableSql(table));
    }
    expect(await tableSql(w)).toEqual(migrated);
    await w.close();
  });

  it('re-creates a dropped Loom table, empty, and says which', async () => {
    await damage('drop table loom.runs');
    const w = await Warehouse.open(path);
    expect(w.recreatedTables).toEqual(['loom.runs']);
    expect(await w.meta.all('select count(*) as n from loom.runs')).toEqual([{ n: 0 }]);
    await w.close();
    const again = await Warehouse.open(path);
    expect(again.recreatedTables).toEqual([]);
    await again.close();
  });

  it('survives losing its migration records while the tables stand', async () => {
    await damage('drop table loom.migrations');
    const w = await Warehouse.open(path);
    expect(w.recreatedTables).toEqual([]);
    expect((await w.meta.all<{ n: number }>('select count(*) as n from loom.migrations'))[0].n).toBeGreaterThan(0);
    await w.close();
  });

  it('a Loom table with other columns is LOOM206 naming it and the repair', async () => {
    await damage('alter table loom.llm_cache drop column response');
    const opened = await Warehouse.open(path).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(UserError);
    const [d] = (opened as UserError).diagnostics;
    expect(d.code).toBe(DAMAGED_LOOM_SCHEMA_CODE);
    expect(d.message).toContain('loom.llm_cache has columns (cache_key, kind, provider, model, created_at)');
    expect(d.message).toContain('drop table loom.llm_cache');
    expect(d.message).toContain('loom clean --warehouse');
    // The file is released, and the repair it names works.
    const instance = await DuckDBInstance.create(path);
    const raw = await instance.connect();
    await raw.run('drop table loom.llm_cache');
    raw.closeSync();
    instance.closeSync();
    const repaired = await Warehouse.open(path);
    expect(repaired.recreatedTables).toEqual(['loom.llm_cache']);
    await repaired.close();
  });
});

describe('countStatementsOffline (DuckDB counts, no warehouse file)', () => {
  it('counts statements as DuckDB parses them', async () => {
    expect(await countStatementsOffline(['select 1', 'select 1;', "select ';' as s", 'select 0; drop table loom.runs; --', '-- only a comment', 'select ('])).toEqual([
      1, 1, 1, 2, 0, null,
    ]);
  });
});
