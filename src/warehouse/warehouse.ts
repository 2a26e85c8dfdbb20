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
    return new Warehouse(path, instance, await connect(), await connect(), meta);
  }

  /** A connection of its own (for a node's long streaming read); close it when done. */
  async connect(): Promise<Connection> {
    return new Connection(await this.instance.connect());
  }

  close(): void {
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
