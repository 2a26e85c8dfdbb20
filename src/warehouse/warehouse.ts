import { statSync } from 'node:fs';
import { Connection, openInstance } from './database.js';
import { migrate } from './migrations.js';
import type { DuckDBInstance } from '@duckdb/node-api';

/**
 * The DuckDB warehouse: model tables in `main`, source snapshots in a schema per source, Loom's records in `loom`.
 * Three connections: `reader` streams inputs, `writer` commits node outputs, `meta` serves the LLM cache and the
 * call, run and node records — so a long read never waits behind a write, and one writer's transaction never
 * swallows another's statements.
 */
export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly reader: Connection,
    readonly writer: Connection,
    readonly meta: Connection,
  ) {}

  static async open(path: string, options: { memoryLimit?: string } = {}): Promise<Warehouse> {
    const instance = await openInstance(path, options.memoryLimit);
    const connect = async () => new Connection(await instance.connect());
    const meta = await connect();
    await migrate(meta);
    // close() decides whether to checkpoint (see CHECKPOINT_AT_CLOSE_BYTES).
    await meta.run('PRAGMA disable_checkpoint_on_shutdown');
    return new Warehouse(path, instance, await connect(), await connect(), meta);
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
      if (walBytes(this.path) >= CHECKPOINT_AT_CLOSE_BYTES) await this.meta.run('CHECKPOINT');
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

/** A write-ahead log at least this large is checkpointed at close; a smaller one is left for the next open. */
export const CHECKPOINT_AT_CLOSE_BYTES = 1 << 20;

function walBytes(path: string): number {
  try {
    return statSync(`${path}.wal`).size;
  } catch {
    return 0;
  }
}
