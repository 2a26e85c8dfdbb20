import { statSync } from 'node:fs';
import { DEFAULT_WAREHOUSE_MEMORY_LIMIT } from '../contracts/defaults.js';
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
    // close() decides whether to checkpoint (see CHECKPOINT_AT_CLOSE_BYTES).
    await meta.run('PRAGMA disable_checkpoint_on_shutdown');
    const warehouse = new Warehouse(path, instance, await connect(), await connect(), meta, memoryLimit);
    warehouse.recreatedTables = recreated;
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
   * Checkpoints only a large write-ahead log, then closes. Every commit is already durable in the WAL; folding a
   * few KB of it into the file cost 80-120 ms of every unchanged re-run (the catalog is rewritten and the file
   * synced), while the next open replays it in a few ms. DuckDB still checkpoints on its own past its threshold.
   */
  async close(): Promise<void> {
    try {
      if (walBytes(this.path) >= CHECKPOINT_AT_CLOSE_BYTES) {
        const { inMemory, limit } = await this.memory();
        await this.idleCheckpoint(inMemory, limit);
      }
    } catch {
      // Not checkpointed: the next open replays the WAL, nothing is lost.
    }
    for (const c of [this.reader, this.writer, this.meta]) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    this.instance.closeSync();
  }
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

/** A write-ahead log at least this large is checkpointed at close; a smaller one is left for the next open. */
export const CHECKPOINT_AT_CLOSE_BYTES = 1 << 20;

function walBytes(path: string): number {
  try {
    return statSync(`${path}.wal`).size;
  } catch {
    return 0;
  }
}
