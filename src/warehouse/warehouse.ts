import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { DEFAULT_WAREHOUSE_MEMORY_LIMIT } from '../contracts/defaults.js';
import { error, UserError } from '../diagnostics/diagnostic.js';
import { quoteString } from '../sql/quote.js';
import { Connection, openInstance } from './database.js';
import { repairLoomTables } from './loom-schema.js';
import { migrate } from './migrations.js';
import type { DuckDBInstance } from '@duckdb/node-api';

/**
 * The DuckDB warehouse: model tables in `main`, source snapshots in a schema per source, Loom's records in `loom`.
 * Three connections: `reader` streams inputs, `writer` commits node outputs, `meta` serves the LLM cache and the
 * call, run and node records — so a long read never waits behind a write, and one writer's transaction never
 * swallows another's statements.
 */
export class Warehouse {
  /** When relieveMemory() last looked (performance.now()). */
  private lastReliefCheck = -Infinity;
  /** Loom tables found missing at open and re-created empty (see repairLoomTables), for a warning. */
  recreatedTables: string[] = [];
  /**
   * Set at open when the last process did not close the warehouse (its marker is there) and its write-ahead
   * log is gone: what it committed since its last checkpoint is lost. For a warning.
   */
  lostWal = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly reader: Connection,
    readonly writer: Connection,
    readonly meta: Connection,
    private readonly memoryLimit: string,
  ) {}

  static async open(path: string, options: { memoryLimit?: string } = {}): Promise<Warehouse> {
    const memoryLimit = options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const instance = await openInstance(path, memoryLimit);
    const connect = async () => new Connection(await instance.connect());
    const meta = await connect();
    await migrate(meta);
    const recreated = await repairLoomTables(meta, path).catch((e) => {
      meta.close();
      instance.closeSync();
      throw e;
    });
    // close() checkpoints itself, within a lower memory limit (see idleCheckpoint), and checks the WAL first.
    await meta.run('PRAGMA disable_checkpoint_on_shutdown');
    const warehouse = new Warehouse(path, instance, await connect(), await connect(), meta, memoryLimit);
    warehouse.recreatedTables = recreated;
    warehouse.lostWal = markOpen(path);
    return warehouse;
  }

  /**
   * Checkpoints when the tables written since the last checkpoint hold more than a quarter of the memory limit;
   * checks at most every RELIEF_CHECK_MS. DuckDB keeps a table's new data in memory until a checkpoint (at least
   * one block per column, however few rows), and checkpoints by itself only once the WAL reaches 16 MiB: a
   * build of 3,000 one-row models ran out of a 256 MB limit with a WAL of a few MB. Call it between nodes.
   * A checkpoint that cannot run now (other transactions) is simply tried again later. `alone`: no node is
   * running, so the checkpoint may run within a lower memory limit (see idleCheckpointLimit).
   */
  async relieveMemory(options: { alone?: boolean; now?: number } = {}): Promise<boolean> {
    const now = options.now ?? performance.now();
    if (now - this.lastReliefCheck < RELIEF_CHECK_MS) return false;
    this.lastReliefCheck = now;
    try {
      const { inMemory, limit } = await this.memory();
      if (limit === null || inMemory <= limit * RELIEF_SHARE) return false;
      if (options.alone) await this.idleCheckpoint(inMemory, limit);
      else await this.meta.run('CHECKPOINT');
      return true;
    } catch {
      return false;
    }
  }

  /** Bytes of table data not yet checkpointed, and the memory limit in bytes (null when unreadable). */
  private async memory(): Promise<{ inMemory: number; limit: number | null }> {
    const [usage] = await this.meta.all<{ in_memory: number; limit_text: string }>(
      "select coalesce(sum(memory_usage_bytes) filter (where tag = 'IN_MEMORY_TABLE'), 0) as in_memory, current_setting('memory_limit') as limit_text from duckdb_memory()",
    );
    return { inMemory: usage.in_memory, limit: parseDuckDbSize(usage.limit_text) };
  }

  /**
   * A checkpoint while no node runs: the only kind that merges row groups (see openInstance), and within a lower
   * memory limit (see idleCheckpointLimit). Both settings are restored after.
   */
  private async idleCheckpoint(inMemory: number, limit: number | null): Promise<void> {
    const bytes = idleCheckpointLimit(inMemory, limit);
    if (bytes !== null) await this.meta.run(`SET memory_limit = '${Math.ceil(bytes / MIB)}MiB'`);
    await this.meta.run(`SET max_vacuum_tasks = ${IDLE_VACUUM_TASKS}`);
    try {
      await this.meta.run('CHECKPOINT');
    } finally {
      await this.meta.run('SET max_vacuum_tasks = 0');
      if (bytes !== null) await this.meta.run(`SET memory_limit = ${quoteString(this.memoryLimit)}`);
    }
  }

  /** A connection of its own (for a node's long streaming read); close it when done. */
  async connect(): Promise<Connection> {
    return new Connection(await this.instance.connect());
  }

  /**
   * Checkpoints, then closes: after a clean exit the write-ahead log holds nothing, so a copy of only the
   * `.duckdb` file (a CI cache, a backup) is the whole warehouse. The checkpoint runs within the idle memory
   * limit (no node runs at close). Checks first that the log DuckDB has been writing is still on disk: a log
   * deleted or cut short during the build throws LOOM212 after the checkpoint (which saves what DuckDB holds).
   */
  async close(): Promise<void> {
    let walProblem: string | null = null;
    let checkpointed = false;
    try {
      walProblem = await this.walProblem();
      if (walProblem !== null || walBytes(this.path) > 0) {
        const { inMemory, limit } = await this.memory();
        await this.idleCheckpoint(inMemory, limit);
      }
      checkpointed = true;
    } catch {
      // Not checkpointed: the next open replays the WAL, and the open marker stays to say one is expected.
    }
    for (const c of [this.reader, this.writer, this.meta]) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    this.instance.closeSync();
    if (checkpointed && this.path !== ':memory:') rmSync(openMarker(this.path), { force: true });
    if (walProblem !== null) throw new UserError(error(WAL_PROBLEM_CODE, walProblem));
  }

  /** Why the WAL on disk is not the one DuckDB wrote (deleted, or shorter), or null when it is. */
  private async walProblem(): Promise<string | null> {
    if (this.path === ':memory:') return null;
    const [row] = await this.meta.all<{ wal_size: string }>('pragma database_size');
    const expected = parseDuckDbSize(row?.wal_size ?? '') ?? 0;
    if (expected === 0) return null;
    const wal = `${this.path}.wal`;
    const onDisk = walBytes(this.path);
    // DuckDB prints the size rounded to a tenth of its unit (7.9 KiB for 8,183 bytes).
    if (onDisk >= expected * 0.95 - 1024) return null;
    const what = onDisk === 0 ? 'was deleted' : `was cut short (${onDisk} bytes on disk, DuckDB wrote about ${Math.round(expected)})`;
    return `the warehouse's write-ahead log ${wal} ${what} while this command ran (by another program, a cache or a cleanup?). Loom wrote what DuckDB still held into ${this.path}, but a crash meanwhile would have lost it: check that nothing touches .loom/ during a build, and treat this run's results with care. See docs/warehouse.md#the-files-of-a-warehouse.`;
  }
}

/** The code of a write-ahead log found deleted or cut short during a command. */
export const WAL_PROBLEM_CODE = 'LOOM212';

/**
 * `<path>.open`: there from open to a close that checkpointed. Found at open with no WAL beside it, the last
 * process died (or was killed) with commits in a WAL that someone then deleted: returns true. Then marks this open.
 */
function markOpen(path: string): boolean {
  if (path === ':memory:') return false;
  const marker = openMarker(path);
  let lost = false;
  try {
    statSync(marker);
    lost = walBytes(path) === 0;
  } catch {
    // No marker: the last close was clean.
  }
  try {
    closeSync(openSync(marker, 'w'));
  } catch {
    // Only the check of the next open is lost.
  }
  return lost;
}

/** The warning for Warehouse.lostWal. */
export function lostWalWarning(path: string): string {
  return `the last command on ${path} did not finish (killed, or the machine stopped), and its write-ahead log ${path}.wal has since been deleted: what it committed after its last checkpoint is lost (answers it held are asked again). Keep the .wal with the .duckdb file (see docs/warehouse.md#the-files-of-a-warehouse).`;
}

export function openMarker(path: string): string {
  return `${path}.open`;
}

/** relieveMemory() checkpoints once new table data holds this share of the memory limit... */
export const RELIEF_SHARE = 0.25;
/** ...and looks at most this often (a look is one ~0.5 ms query). */
export const RELIEF_CHECK_MS = 250;

/** Bytes in a size as DuckDB prints it ('244.1 MiB', '1.0 GiB', '512 bytes'); null when unreadable. */
export function parseDuckDbSize(text: string): number | null {
  const m = /^\s*([\d.]+)\s*(bytes?|[KMGT]i?B)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? 'bytes').toUpperCase();
  const powers: Record<string, number> = { BYTE: 0, BYTES: 0, KB: 1, KIB: 1, MB: 2, MIB: 2, GB: 3, GIB: 3, TB: 4, TIB: 4 };
  const power = powers[unit];
  if (power === undefined) return null;
  const base = unit.includes('I') || power === 0 ? 1024 : 1000;
  return Number(m[1]) * base ** power;
}

const MIB = 1 << 20;
/** warehouse_memory_limit when the project sets none. */
export const DEFAULT_MEMORY_LIMIT = DEFAULT_WAREHOUSE_MEMORY_LIMIT;
/** Row-group merges an idle checkpoint may run per table: DuckDB's default. */
export const IDLE_VACUUM_TASKS = 100;
/** A checkpoint with no node running (the last one, or between nodes) runs within this much memory... */
export const IDLE_CHECKPOINT_LIMIT = 128 * MIB;
/** ...or, when more table data waits to be checkpointed, within that data plus this much. */
export const IDLE_CHECKPOINT_HEADROOM = 64 * MIB;

/**
 * The memory limit for a checkpoint while no node runs, or null to keep the current one. The blocks DuckDB cached
 * during the build are of no use to it, but it keeps them up to the limit: merging a large llm model's row groups
 * (a row group per 16 MB of write-ahead log while the model streamed its input) read every table into that
 * cache, so the checkpoint after a 1,000,000-row model added 115 MB to the build's peak. Lowering the limit first
 * evicts the cache (83 MB there) and bounds the merge: standalone checkpoints of that warehouse took 5.6-12.2 s
 * and 103-136 MB more memory at 128 MiB, 6.0-12.6 s and 222-243 MB at 256 MiB. Never below the table data still
 * to be written plus headroom, so that the checkpoint itself never runs short.
 */
export function idleCheckpointLimit(inMemoryBytes: number, limitBytes: number | null): number | null {
  if (limitBytes === null) return null;
  const bytes = Math.max(IDLE_CHECKPOINT_LIMIT, inMemoryBytes + IDLE_CHECKPOINT_HEADROOM);
  return bytes < limitBytes ? bytes : null;
}

function walBytes(path: string): number {
  try {
    return statSync(`${path}.wal`).size;
  } catch {
    return 0;
  }
}
