import { existsSync, mkdtempSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IDLE_CHECKPOINT_HEADROOM,
  IDLE_VACUUM_TASKS,
  IDLE_CHECKPOINT_LIMIT,
  idleCheckpointLimit,
  parseDuckDbSize,
  RELIEF_CHECK_MS,
  RELIEF_SHARE,
  Warehouse,
} from '../../../src/warehouse/warehouse.js';

/** Counts event-loop turns: it only advances when nothing holds the main thread. */
function turnCounter() {
  let turns = 0;
  let stopped = false;
  const tick = () => {
    turns++;
    if (!stopped) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop() {
      stopped = true;
    },
  };
}

describe('warehouse connections', () => {
  let warehouse: Warehouse;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
  });
  afterEach(() => warehouse.close());

  it('streams every row in order with its types, in slices that let the event loop run inside a 2,048-row chunk', async () => {
    const counter = turnCounter();
    const seen: { rows: number; turns: number }[] = [];
    const ids: number[] = [];
    const sql = `select i::bigint as id, 'row ' || i as label, i % 2 = 0 as even, case when i % 7 = 0 then null else i * 0.5 end as half
                 from range(5000) t(i) order by i`;
    for await (const rows of warehouse.reader.stream(sql)) {
      seen.push({ rows: rows.length, turns: counter.turns });
      for (const r of rows) ids.push(r.id as number);
      if (ids.length === 7) expect(rows[7 - 1]).toEqual({ id: 6, label: 'row 6', even: true, half: 3 });
    }
    counter.stop();
    expect(ids).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(seen.every((s) => s.rows <= 256)).toBe(true);
    // Slices 1 and 2 both come from the first fetched chunk: only a yield between them lets a turn pass.
    expect(seen[1]!.turns).toBeGreaterThan(seen[0]!.turns);
    const nulls = await warehouse.reader.all<{ n: number }>(`select count(*) as n from range(5000) t(i) where i % 7 = 0`);
    expect(nulls[0]!.n).toBe(715);
  });

  it('appends in slices, yielding between them, and keeps every value', async () => {
    await warehouse.writer.run('create table t (k varchar, n double, ok boolean)');
    const rows = Array.from({ length: 1000 }, (_, i) => ({ k: `key-${i}`, n: i / 4, ok: i % 3 === 0 }));
    const counter = turnCounter();
    const turnsAt: number[] = [];
    await warehouse.writer.append('main', 't', rows, (a, r) => {
      turnsAt.push(counter.turns);
      a.appendVarchar(r.k);
      a.appendDouble(r.n);
      a.appendBoolean(r.ok);
    });
    counter.stop();
    expect(turnsAt[299]).toBeGreaterThan(turnsAt[0]!);
    const back = await warehouse.writer.all<{ k: string; n: number; ok: boolean }>('select * from t order by n');
    expect(back).toEqual(rows);
  });

  it('writes all of an append or none of it, though it flushes in slices', async () => {
    await warehouse.writer.run('create table t (k varchar not null)');
    const rows = Array.from({ length: 600 }, (_, i) => (i === 500 ? null : `key-${i}`));
    await expect(warehouse.writer.append('main', 't', rows, (a, k) => (k === null ? a.appendNull() : a.appendVarchar(k)))).rejects.toThrow();
    expect((await warehouse.writer.all<{ n: number }>('select count(*) as n from t'))[0]!.n).toBe(0);
  });

  it('appends inside a transaction, and a failure rolls every slice back', async () => {
    await warehouse.writer.run('create table t (k varchar not null)');
    const rows = Array.from({ length: 600 }, (_, i) => `key-${i}`);
    await expect(
      warehouse.writer.transaction(async (tx) => {
        await tx.append('main', 't', rows, (a, k) => a.appendVarchar(k));
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect((await warehouse.writer.all<{ n: number }>('select count(*) as n from t'))[0]!.n).toBe(0);
    await warehouse.writer.transaction((tx) => tx.append('main', 't', rows, (a, k) => a.appendVarchar(k)));
    expect((await warehouse.writer.all<{ n: number }>('select count(*) as n from t'))[0]!.n).toBe(600);
  });
});

describe('closing a warehouse file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-close-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const walBytes = (path: string) => (existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0);

  it('checkpoints even a small write-ahead log at close: the .duckdb file alone holds every commit', async () => {
    const path = join(dir, 'w.duckdb');
    const first = await Warehouse.open(path);
    await first.meta.run('create table t(i integer, s varchar)');
    await first.meta.run("insert into t select i, 'row ' || i from range(100) r(i)");
    expect(walBytes(path)).toBeGreaterThan(0);
    await first.close();
    expect(walBytes(path)).toBe(0);
    expect(existsSync(`${path}.open`)).toBe(false);

    rmSync(`${path}.wal`, { force: true }); // a CI cache or a backup of only the .duckdb file
    const second = await Warehouse.open(path);
    expect(second.lostWal).toBe(false);
    expect(await second.meta.all('select count(*)::integer as n, max(s) as top from t')).toEqual([{ n: 100, top: 'row 99' }]);
    await second.close();
  });

  it('checkpoints a large write-ahead log at close', async () => {
    const path = join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(path);
    await warehouse.meta.run('create table t(i integer, s varchar)');
    await warehouse.meta.run("insert into t select i, repeat('x', 40) || i from range(60000) r(i)");
    expect(walBytes(path)).toBeGreaterThan(1 << 20);
    await warehouse.close();
    expect(walBytes(path)).toBe(0);

    const again = await Warehouse.open(path);
    expect(await again.meta.all('select count(*)::integer as n from t')).toEqual([{ n: 60000 }]);
    await again.close();
  });

  it('a write-ahead log deleted during the command: close() fails loudly (LOOM212), after saving what DuckDB held', async () => {
    const path = join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(path);
    await warehouse.meta.run('create table t as select range as i from range(1000)');
    unlinkSync(`${path}.wal`);
    await warehouse.meta.run('insert into t values (1000)');
    await expect(warehouse.close()).rejects.toMatchObject({ name: 'UserError', diagnostics: [{ code: 'LOOM212', message: expect.stringContaining(`${path}.wal was deleted`) }] });

    const again = await Warehouse.open(path);
    expect(await again.meta.all('select count(*)::integer as n from t')).toEqual([{ n: 1001 }]);
    await again.close();
  });

  it('a write-ahead log cut short during the command fails the same way', async () => {
    const path = join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(path);
    await warehouse.meta.run("create table t as select range as i, repeat('x', 50) as s from range(20000)");
    truncateSync(`${path}.wal`, 100);
    await expect(warehouse.close()).rejects.toMatchObject({ diagnostics: [{ code: 'LOOM212', message: expect.stringContaining('was cut short') }] });
  });

  it('after a command that died, a deleted write-ahead log is found at the next open', async () => {
    const path = join(dir, 'w.duckdb');
    const first = await Warehouse.open(path);
    await first.meta.run('create table t as select range as i from range(10)');
    expect(existsSync(`${path}.open`)).toBe(true); // a kill -9 here leaves the marker and the WAL
    unlinkSync(`${path}.wal`);
    // What the next process finds (this one's instance must let go of the file first; its close throws).
    await first.close().catch(() => undefined);
    writeMarker(path);
    rmSync(`${path}.wal`, { force: true });
    const second = await Warehouse.open(path);
    expect(second.lostWal).toBe(true);
    await second.close();
    const third = await Warehouse.open(path);
    expect(third.lostWal).toBe(false);
    await third.close();
  });
});

function writeMarker(path: string): void {
  writeFileSync(`${path}.open`, '');
}

describe('merging row groups', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-merge-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('happens only in checkpoints with no node running, and keeps every row', async () => {
    const path = join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(path);
    const rowGroups = async (w: Warehouse) =>
      (await w.meta.all<{ n: number }>("select count(distinct row_group_id)::integer as n from pragma_storage_info('t')"))[0]!.n;
    await warehouse.writer.run('create table t(i bigint, s varchar)');
    // Like DuckDB's own checkpoints while a node writes: each leaves its rows in a row group of their own.
    for (let i = 0; i < 20; i++) {
      await warehouse.writer.run(`insert into t select i, 'row ' || i from range(${i * 10_000}, ${(i + 1) * 10_000}) r(i)`);
      await warehouse.writer.run('checkpoint');
    }
    expect(await rowGroups(warehouse)).toBe(20);
    await warehouse.writer.run("insert into t select -i, repeat('x', 40) from range(1, 30001) r(i)");
    await warehouse.close(); // a write-ahead log of over 1 MiB: an idle checkpoint

    const again = await Warehouse.open(path);
    expect(await rowGroups(again)).toBeLessThanOrEqual(3);
    expect(await again.meta.all('select count(*)::integer as n, count(distinct i)::integer as keys from t')).toEqual([{ n: 230_000, keys: 230_000 }]);
    await again.close();
  });
});

describe('idleCheckpointLimit', () => {
  const MB = 1 << 20;
  it('lowers the limit for an idle checkpoint, never below the unsaved table data plus headroom', () => {
    expect(idleCheckpointLimit(40 * MB, 256 * MB)).toBe(IDLE_CHECKPOINT_LIMIT);
    expect(idleCheckpointLimit(200 * MB, 1024 * MB)).toBe(200 * MB + IDLE_CHECKPOINT_HEADROOM);
  });

  it('keeps a limit that is already as low, or that it cannot read', () => {
    expect(idleCheckpointLimit(10 * MB, IDLE_CHECKPOINT_LIMIT)).toBeNull();
    expect(idleCheckpointLimit(10 * MB, 64 * MB)).toBeNull();
    expect(idleCheckpointLimit(200 * MB, 256 * MB)).toBeNull();
    expect(idleCheckpointLimit(10 * MB, null)).toBeNull();
  });
});

describe('parseDuckDbSize', () => {
  it('reads sizes as DuckDB prints them, in 1024 and 1000 steps', () => {
    expect(parseDuckDbSize('244.1 MiB')).toBeCloseTo(244.1 * 1024 ** 2);
    expect(parseDuckDbSize('3.0 GiB')).toBe(3 * 1024 ** 3);
    expect(parseDuckDbSize('97.6 KiB')).toBeCloseTo(97.6 * 1024);
    expect(parseDuckDbSize('1GB')).toBe(1e9);
    expect(parseDuckDbSize('512 bytes')).toBe(512);
    expect(parseDuckDbSize('lots')).toBeNull();
    expect(parseDuckDbSize('12 PB')).toBeNull();
  });
});

describe('relieving a warehouse of new table data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-relief-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const inMemoryBytes = async (warehouse: Warehouse) =>
    (await warehouse.meta.all<{ n: number }>("select coalesce(sum(memory_usage_bytes) filter (where tag = 'IN_MEMORY_TABLE'), 0)::bigint as n from duckdb_memory()"))[0].n;

  // DuckDB keeps each new table's data in memory until a checkpoint, a block per column however few rows:
  // 120 one-row tables of 11 columns hold ~40 MB, more than a 64 MB limit's quarter.
  async function manySmallTables(warehouse: Warehouse, count: number, prefix = 't') {
    const columns = Array.from({ length: 11 }, (_, i) => `c${i} varchar`).join(', ');
    for (let i = 0; i < count; i++) {
      await warehouse.writer.run(`create table ${prefix}${i} (${columns})`);
      await warehouse.writer.run(`insert into ${prefix}${i} values (${Array.from({ length: 11 }, () => "'x'").join(', ')})`);
    }
  }

  it('checkpoints once new tables hold a quarter of the memory limit, and keeps every row', async () => {
    const path = join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(path, { memoryLimit: '64MB' });
    await manySmallTables(warehouse, 120);
    const before = await inMemoryBytes(warehouse);
    expect(before).toBeGreaterThan(64e6 * RELIEF_SHARE);
    expect(await warehouse.relieveMemory({ now: 0 })).toBe(true);
    expect(await inMemoryBytes(warehouse)).toBeLessThan(before / 4);
    // Looked just now: the next look waits RELIEF_CHECK_MS.
    expect(await warehouse.relieveMemory({ now: RELIEF_CHECK_MS / 2 })).toBe(false);
    await warehouse.close();
    const again = await Warehouse.open(path);
    expect(await again.meta.all('select count(*)::integer as n from t119')).toEqual([{ n: 1 }]);
    await again.close();
  });

  it('with no node running, checkpoints within a lower memory limit, then restores the configured one', async () => {
    const warehouse = await Warehouse.open(join(dir, 'w.duckdb'), { memoryLimit: '200MB' });
    const limit = async () => (await warehouse.meta.all<{ v: string }>("select current_setting('memory_limit') as v"))[0].v;
    const configured = await limit();
    await manySmallTables(warehouse, 160);
    const before = await inMemoryBytes(warehouse);
    expect(before).toBeGreaterThan(200e6 * RELIEF_SHARE);
    const statements = vi.spyOn(warehouse.meta, 'run');
    expect(await warehouse.relieveMemory({ now: 0, alone: true })).toBe(true);
    expect(statements.mock.calls.map(([sql]) => sql)).toEqual([
      `SET memory_limit = '${IDLE_CHECKPOINT_LIMIT / 2 ** 20}MiB'`,
      `SET max_vacuum_tasks = ${IDLE_VACUUM_TASKS}`,
      'CHECKPOINT',
      'SET max_vacuum_tasks = 0',
      "SET memory_limit = '200MB'",
    ]);
    expect(await limit()).toBe(configured);
    expect(await inMemoryBytes(warehouse)).toBeLessThan(before / 4);

    // With another node running, its queries keep the whole limit.
    await manySmallTables(warehouse, 160, 'u');
    statements.mockClear();
    expect(await warehouse.relieveMemory({ now: RELIEF_CHECK_MS, alone: false })).toBe(true);
    expect(statements.mock.calls.map(([sql]) => sql)).toEqual(['CHECKPOINT']);
    await warehouse.close();
  });

  it('leaves a warehouse with little new data alone', async () => {
    const warehouse = await Warehouse.open(join(dir, 'w.duckdb'), { memoryLimit: '64MB' });
    await manySmallTables(warehouse, 3);
    expect(await warehouse.relieveMemory({ now: 0 })).toBe(false);
    await warehouse.close();
  });

  it('lets a build of many small models finish inside the memory limit', async () => {
    const warehouse = await Warehouse.open(join(dir, 'w.duckdb'), { memoryLimit: '32MB' });
    // ~330 KB of new data per table: without checkpoints, 100 tables would need ~33 MB of a 32 MB limit.
    const columns = Array.from({ length: 11 }, (_, i) => `c${i} varchar`).join(', ');
    let now = 0;
    for (let i = 0; i < 100; i++) {
      await warehouse.writer.run(`create table t${i} (${columns})`);
      await warehouse.writer.run(`insert into t${i} values (${Array.from({ length: 11 }, () => "'x'").join(', ')})`);
      await warehouse.relieveMemory({ now: (now += RELIEF_CHECK_MS) });
    }
    expect(await warehouse.meta.all('select count(*)::integer as n from t99')).toEqual([{ n: 1 }]);
    await warehouse.close();
  });
});
