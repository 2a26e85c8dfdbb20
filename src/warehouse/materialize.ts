import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { quoteIdent, quoteString } from '../sql/quote.js';
import { relationKind } from './catalog.js';
import type { Connection } from './database.js';
import { countRows, describeRelation, isLoomColumn, resetNodeState } from './llm-table.js';

/** `"main"."x"` → ['main', 'x'] */
export function splitRelation(relation: string): [string, string] {
  const parts = relation.match(/"((?:[^"]|"")*)"/g)?.map((p) => p.slice(1, -1).replace(/""/g, '"')) ?? [];
  if (parts.length >= 2) return [parts[parts.length - 2], parts[parts.length - 1]];
  return ['main', parts[0] ?? relation];
}

/** Runs a model's compiled select as a table or view, replacing what was there; returns its row count. */
export async function materializeQuery(connection: Connection, relation: string, sql: string, as: 'table' | 'view'): Promise<number> {
  const [schema, name] = splitRelation(relation);
  const existing = await relationKind(connection, schema, name);
  await connection.transaction(async (tx) => {
    await tx.run(`create schema if not exists ${quoteIdent(schema)}`);
    if (existing && existing !== as) await tx.run(`drop ${existing} ${relation}`);
    await tx.run(`create or replace ${as} ${relation} as ${sql}`);
  });
  return countRows(connection, relation);
}

/** Rows a table holds now, or null when `relation` is not a table (a view, or nothing yet). */
export async function tableRows(connection: Connection, relation: string): Promise<number | null> {
  const [schema, name] = splitRelation(relation);
  return (await relationKind(connection, schema, name)) === 'table' ? countRows(connection, relation) : null;
}

/** The signature the source `uniqueId` was last snapshotted with (see runSource), or null. */
export async function snapshotSignature(connection: Connection, uniqueId: string): Promise<string | null> {
  const rows = await connection.all<{ table_signature: string | null }>('select table_signature from loom.node_state where unique_id = ?', [uniqueId]);
  return rows[0]?.table_signature ?? null;
}

export async function recordSnapshot(connection: Connection, uniqueId: string, signature: string): Promise<void> {
  await connection.transaction((tx) => resetNodeState(tx, uniqueId, signature));
}

/** Whether a relation exists (for sources that read an existing warehouse table). */
export async function relationExists(connection: Connection, relation: string): Promise<boolean> {
  const [schema, name] = splitRelation(relation);
  return (await relationKind(connection, schema, name)) !== null;
}

/** Columns of a relation without Loom's own, quoted and comma-separated, for exports. */
export async function userColumns(connection: Connection, relation: string): Promise<string> {
  const cols = await describeRelation(connection, relation);
  return cols
    .filter((c) => !isLoomColumn(c.name))
    .map((c) => quoteIdent(c.name))
    .join(', ');
}

/** Writes a model's rows (without Loom's columns) to a file (COPY) or a warehouse table; returns the row count. */
export async function exportRelation(connection: Connection, from: string, destination: { path: string; format: string }, absolutePath: string): Promise<number> {
  const columns = await userColumns(connection, from);
  if (destination.format === 'table') {
    return materializeQuery(connection, destination.path.split('.').map(quoteIdent).join('.'), `select ${columns} from ${from}`, 'table');
  }
  mkdirSync(dirname(absolutePath), { recursive: true });
  const format =
    destination.format === 'csv'
      ? '(format csv, header true)'
      : destination.format === 'parquet'
        ? '(format parquet)'
        : destination.format === 'json'
          ? '(format json, array true)'
          : '(format json)';
  await connection.run(`copy (select ${columns} from ${from}) to ${quoteString(absolutePath)} ${format}`);
  return countRows(connection, from);
}
