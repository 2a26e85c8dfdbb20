import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ManifestNode } from '../contracts/manifest.js';
import { readerSql } from '../sql/quote.js';
import { exportRelation, materializeQuery, recordSnapshot, relationExists, snapshotSignature, tableRows } from '../warehouse/materialize.js';
import { explainSourceError } from './source-errors.js';
import { isOutOfMemory } from './warehouse-errors.js';
import { multiStatementMessage } from './sql-statement-message.js';
import { emptyResult, type NodeResult, type RunContext } from './types.js';

const abs = (ctx: RunContext, path: string) => (isAbsolute(path) ? path : join(ctx.config.projectDir, path));

/** A source: snapshot its file into a warehouse table unless it is unchanged (or check that the warehouse table it names exists). */
export async function runSource(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  const location = node.location!;
  const connection = ctx.warehouse.writer;
  if (location.format === 'table') {
    if (!(await relationExists(connection, node.relation_name))) {
      return emptyResult(node.unique_id, 'error', `warehouse table ${location.path} does not exist`);
    }
    return { ...emptyResult(node.unique_id), rows: await countOf(ctx, node.relation_name) };
  }
  const path = abs(ctx, location.path);
  if (!existsSync(path)) {
    return emptyResult(node.unique_id, 'error', `data file ${location.path} does not exist (source ${node.fqn.slice(1).join('.')}, ${node.original_file_path})`);
  }
  const options = (node.config.options ?? {}) as Record<string, unknown>;
  const sql = readerSql(path, location.format, options);
  // The file as it is now (size, times, inode) and how it is read: unchanged, the snapshot is kept, which spares
  // re-reading a large file on every build. --full-refresh reads it regardless.
  const file = statSync(path);
  const signature = createHash('sha256').update(JSON.stringify([sql, file.size, file.mtimeMs, file.ctimeMs, file.ino])).digest('hex');
  if (!ctx.flags.fullRefresh && (await snapshotSignature(connection, node.unique_id)) === signature && (await relationExists(connection, node.relation_name))) {
    return { ...emptyResult(node.unique_id), rows: await countOf(ctx, node.relation_name) };
  }
  const describe = `${node.fqn.slice(1).join('.')}, ${node.original_file_path}`;
  if (file.size === 0) return emptyResult(node.unique_id, 'error', `data file ${location.path} is empty (0 bytes; source ${describe}): a ${location.format} source needs at least ${location.format === 'csv' ? 'a header line' : 'one record'}`);
  const before = await tableRows(connection, node.relation_name);
  let rows: number;
  try {
    rows = await materializeQuery(connection, node.relation_name, sql, 'table');
  } catch (e) {
    if (isOutOfMemory(e)) throw e;
    return emptyResult(node.unique_id, 'error', explainSourceError(e, { path: location.path, absolutePath: path, describe, options }));
  }
  await recordSnapshot(connection, node.unique_id, signature);
  return { ...emptyResult(node.unique_id), rows, rows_deleted: shrunkBy(before, rows) };
}

/** A sql model: its compiled select as a table or view. */
export async function runSql(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  // compile refuses these already; a manifest from elsewhere must not run a second statement either. Text that
  // does not parse is left to DuckDB to report in its own words below: it parses every statement before running one.
  const statements = await ctx.warehouse.writer.statementCount(node.compiled_code!).catch(() => 1);
  if (statements !== 1) return emptyResult(node.unique_id, 'error', `${node.original_file_path}: ${multiStatementMessage(node.name, statements)}`);
  const materialized = node.config.materialized ?? 'table';
  const before = materialized === 'table' ? await tableRows(ctx.warehouse.writer, node.relation_name) : null;
  const rows = await materializeQuery(ctx.warehouse.writer, node.relation_name, node.compiled_code!, materialized);
  return { ...emptyResult(node.unique_id), rows, rows_deleted: shrunkBy(before, rows) };
}

/** A destination: the upstream model's rows, without Loom's columns, written to a file or a table. */
export async function runLoad(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  const from = ctx.manifest.nodes[node.depends_on.nodes[0]];
  if (!from) return emptyResult(node.unique_id, 'error', 'the destination has no model to load from');
  const location = node.location!;
  const rows = await exportRelation(ctx.warehouse.writer, from.relation_name, location, abs(ctx, location.path));
  return { ...emptyResult(node.unique_id), rows, message: `wrote ${location.path}` };
}

/** A rebuilt table's rows_deleted: how many fewer rows it holds than before (a snapshot has no keys to match). */
const shrunkBy = (before: number | null, after: number) => Math.max(0, (before ?? 0) - after);

async function countOf(ctx: RunContext, relation: string): Promise<number> {
  const rows = await ctx.warehouse.writer.all<{ n: number }>(`select count(*) as n from ${relation}`);
  return rows[0]?.n ?? 0;
}
