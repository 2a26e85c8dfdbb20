import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance, DuckDBResult, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { error, UserError } from '../diagnostics/diagnostic.js';

export type Row = Record<string, unknown>;

/**
 * The DuckDB bindings, loaded with require: through the ESM loader this CommonJS package takes about twice as
 * long to load (~210 ms against ~110 ms). Loaded when this module is, not on first use: loaded later, in the
 * middle of a build's start, the 10,000-row bench build peaked at ~20 MB more V8 heap (measured, 7 runs each).
 */
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;

/**
 * One DuckDB connection with a serial queue: DuckDB runs one statement at a time per connection, and callers on
 * the event loop (the LLM cache, node writers) must not interleave statements inside each other's transactions.
 */
export class Connection {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(readonly raw: DuckDBConnection) {}

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  run(sql: string, values?: unknown[]): Promise<void> {
    return this.enqueue(async () => {
      await this.raw.run(sql, values as never);
    });
  }

  /** Rows as JSON-compatible objects (BIGINT → number when safe, dates → ISO strings). */
  all<T = Row>(sql: string, values?: unknown[]): Promise<T[]> {
    return this.enqueue(async () => {
      const reader = await this.raw.runAndReadAll(sql, values as never);
      return numbersFor(reader.columnTypes(), reader.deduplicatedColumnNames(), reader.getRowObjectsJson()) as T[];
    });
  }

  /** Runs `work` inside BEGIN/COMMIT (ROLLBACK on error), holding the queue so nothing else interleaves. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await this.raw.run('BEGIN TRANSACTION');
      try {
        const result = await work(new Transaction(this.raw));
        await this.raw.run('COMMIT');
        return result;
      } catch (e) {
        await this.raw.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /**
   * Appends rows with a DuckDB appender (the fast path for bulk inserts); `fill` appends one row's values.
   * In one transaction: the rows are flushed in slices, and a build killed between two must leave none of them.
   */
  append<T>(schema: string, table: string, rows: readonly T[], fill: (appender: DuckDBAppender, row: T) => void): Promise<void> {
    if (!rows.length) return Promise.resolve();
    return this.transaction((tx) => tx.append(schema, table, rows, fill));
  }

  /**
   * Streams a query's rows in chunks (about 2,048 rows each) without materializing the result. The connection is
   * held from the first statement to the last chunk: DuckDB ends a streaming result as soon as anything else runs
   * on its connection, so nothing queued meanwhile may slip in. Give long reads a connection of their own.
   */
  async *stream(sql: string, values?: unknown[]): AsyncGenerator<Row[]> {
    let release!: () => void;
    const finished = new Promise<void>((resolve) => (release = resolve));
    const opened = new Promise<{ result: DuckDBResult } | { error: unknown }>((resolve) => {
      void this.enqueue(async () => {
        try {
          resolve({ result: await this.raw.stream(sql, values as never) });
        } catch (error) {
          resolve({ error });
          return;
        }
        await finished;
      });
    });
    const open = await opened;
    if ('error' in open) throw open.error;
    const result = open.result;
    try {
      const names = result.deduplicatedColumnNames();
      const types = result.columnTypes();
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        // In slices with a yield between them: converting 2,048 rows at once holds the main thread for ~20 ms.
        const convert = duckdb.JsonDuckDBValueConverter;
        const vectors = names.map((_, c) => chunk.getColumnVector(c));
        const count = chunk.rowCount;
        for (let start = 0; start < count; start += CONVERT_SLICE) {
          if (start > 0) await nextTurn();
          const end = Math.min(count, start + CONVERT_SLICE);
          const rows: Record<string, unknown>[] = [];
          for (let r = start; r < end; r++) {
            const row: Record<string, unknown> = {};
            for (let c = 0; c < names.length; c++) row[names[c]] = convert(vectors[c].getItem(r), vectors[c].type, convert);
            rows.push(row);
          }
          yield numbersFor(types, names, rows);
        }
      }
    } finally {
      release();
    }
  }

  /**
   * The column names of `relation` (already quoted as needed), or null when it cannot be selected from.
   * Prepared, not run: binding alone names the columns, in about half the time of a `limit 0` select.
   */
  columnNames(relation: string): Promise<string[] | null> {
    return this.enqueue(async () => {
      let prepared;
      try {
        prepared = await this.raw.prepare(`select * from ${relation}`);
      } catch {
        return null;
      }
      try {
        return Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i));
      } finally {
        prepared.destroySync();
      }
    });
  }

  /** How many statements DuckDB's own parser finds in `sql` (0 for only comments); a syntax error throws. */
  statementCount(sql: string): Promise<number> {
    return this.enqueue(() => countStatements(this.raw, sql));
  }

  close(): void {
    this.raw.closeSync();
  }
}

async function countStatements(raw: DuckDBConnection, sql: string): Promise<number> {
  try {
    return (await raw.extractStatements(sql)).count;
  } catch (e) {
    // The binding throws for zero statements too, with no parser message of its own.
    if (/Parser Error/.test((e as Error).message ?? '')) throw e;
    return 0;
  }
}

/**
 * Statements in each of `sqls`, counted by DuckDB's parser in an in-memory instance (no warehouse file is
 * opened): for compile-time checks. null where the text does not parse (the build reports that error).
 */
export async function countStatementsOffline(sqls: readonly string[]): Promise<(number | null)[]> {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const raw = await instance.connect();
  try {
    const counts: (number | null)[] = [];
    for (const sql of sqls) counts.push(await countStatements(raw, sql).catch(() => null));
    return counts;
  } finally {
    raw.closeSync();
    instance.closeSync();
  }
}

export class Transaction {
  constructor(private readonly raw: DuckDBConnection) {}
  async run(sql: string, values?: unknown[] | Record<string, unknown>): Promise<number> {
    const result = await this.raw.run(sql, values as never);
    return result.rowsChanged;
  }
  async all<T = Row>(sql: string, values?: unknown[]): Promise<T[]> {
    const reader = await this.raw.runAndReadAll(sql, values as never);
    return numbersFor(reader.columnTypes(), reader.deduplicatedColumnNames(), reader.getRowObjectsJson()) as T[];
  }
  async append<T>(schema: string, table: string, rows: readonly T[], fill: (appender: DuckDBAppender, row: T) => void): Promise<void> {
    await appendRows(this.raw, schema, table, rows, fill);
  }
}

/** Rows appended and flushed between two yields to the event loop (see appendRows). */
const APPEND_SLICE = 256;
/** Rows converted from a fetched chunk (2,048 rows) between two yields to the event loop (see stream). */
const CONVERT_SLICE = 256;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Appends and flushes in slices, yielding to the event loop between them: the appender's calls and its flush
 * run on the main thread, and 1,000 rows at once would hold it for tens of ms while LLM answers wait to be read.
 */
async function appendRows<T>(raw: DuckDBConnection, schema: string, table: string, rows: readonly T[], fill: (appender: DuckDBAppender, row: T) => void): Promise<void> {
  if (!rows.length) return;
  const appender = await createAppender(raw, schema, table);
  try {
    for (let start = 0; start < rows.length; start += APPEND_SLICE) {
      if (start > 0) await nextTurn();
      const end = Math.min(rows.length, start + APPEND_SLICE);
      for (let i = start; i < end; i++) {
        fill(appender, rows[i]);
        appender.endRow();
      }
      appender.flushSync();
    }
  } finally {
    appender.closeSync();
  }
}

/** Schema `temp` means the connection's temporary tables (catalog temp, schema main). */
function createAppender(raw: DuckDBConnection, schema: string, table: string): Promise<DuckDBAppender> {
  return schema === 'temp' ? raw.createAppender(table, 'main', 'temp') : raw.createAppender(table, schema);
}

const WIDE_INTEGERS = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

/** getRowObjectsJson gives 64-bit integers as strings; numbers that fit are more useful to everyone downstream. */
function numbersFor(types: readonly { toString(): string }[], names: readonly string[], rows: Record<string, unknown>[]): Row[] {
  const wide = names.filter((_, i) => WIDE_INTEGERS.has(String(types[i])));
  if (!wide.length) return rows;
  for (const row of rows) {
    for (const name of wide) {
      const v = row[name];
      if (typeof v === 'string') {
        const n = Number(v);
        if (Number.isSafeInteger(n)) row[name] = n;
      }
    }
  }
  return rows;
}

export function timestamp(date: Date = new Date()): DuckDBTimestampTZValue {
  return new duckdb.DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);
}

export function appendNullable(appender: DuckDBAppender, value: string | null | undefined): void {
  if (value === null || value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}

export function appendNumber(appender: DuckDBAppender, value: number | null | undefined): void {
  if (value === null || value === undefined || !Number.isFinite(value)) appender.appendNull();
  else appender.appendDouble(value);
}

/**
 * Opens (creating if needed) the warehouse file; a second process gets a clear error instead of a corrupt file.
 * Row-group merging is off: DuckDB's own checkpoints (every 16 MB of write-ahead log) would merge
 * at whatever moment the log fills, under the full memory limit, and after a large llm model that merge read
 * every table (one such checkpoint took a 1,000,000-row build to 627 MB). Warehouse merges only in checkpoints of
 * its own while no node runs (Warehouse.idleCheckpoint).
 */
export async function openInstance(path: string, memoryLimit: string): Promise<DuckDBInstance> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  try {
    return await duckdb.DuckDBInstance.create(path, { threads: String(availableParallelism()), memory_limit: memoryLimit, max_vacuum_tasks: '0' });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    if (/lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new UserError(
        error(
          'LOOM201',
          `the warehouse ${path} is in use by another process${pid ? ` (pid ${pid})` : ''}: only one loom build or run can write to it at a time. Wait for it to finish, or stop it and run again.`,
        ),
      );
    }
    throw new UserError(error('LOOM202', `cannot open the warehouse ${path}: ${message.split('\n')[0]}`));
  }
}

export type { DuckDBAppender };
