import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ManifestNode } from '../compile/manifest-types.js';
import { readerSql } from '../compile/relations.js';
import { exportRelation, materializeQuery, recordSnapshot, relationExists, snapshotSignature } from '../warehouse/materialize.js';
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
  const rows = await materializeQuery(connection, node.relation_name, sql, 'table');
  await recordSnapshot(connection, node.unique_id, signature);
  return { ...emptyResult(node.unique_id), rows };
}

/** A sql model: its compiled select as a table or view. */
export async function runSql(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  const rows = await materializeQuery(ctx.warehouse.writer, node.relation_name, node.compiled_code!, node.config.materialized ?? 'table');
  return { ...emptyResult(node.unique_id), rows };
}

/** A destination: the upstream model's rows, without Loom's columns, written to a file or a table. */
export async function runLoad(node: ManifestNode, ctx: RunContext): Promise<NodeResult> {
  const from = ctx.manifest.nodes[node.depends_on.nodes[0]];
  if (!from) return emptyResult(node.unique_id, 'error', 'the destination has no model to load from');
  const location = node.location!;
  const rows = await exportRelation(ctx.warehouse.writer, from.relation_name, location, abs(ctx, location.path));
  return { ...emptyResult(node.unique_id), rows, message: `wrote ${location.path}` };
}

async function countOf(ctx: RunContext, relation: string): Promise<number> {
  const rows = await ctx.warehouse.writer.all<{ n: number }>(`select count(*) as n from ${relation}`);
  return rows[0]?.n ?? 0;
}
