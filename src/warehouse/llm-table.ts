import { createHash } from 'node:crypto';
import { quoteIdent, quoteString } from '../sql/quote.js';
import type { JsonSchema } from '../llm/types.js';
import { relationKind } from './catalog.js';
import { type Connection, type Transaction } from './database.js';

export interface Column {
  name: string;
  type: string;
}

/** Loom's columns on every llm model table: the row's key, what produced it, and when. */
export const LOOM_COLUMNS: Column[] = [
  { name: '_loom_key', type: 'VARCHAR' },
  { name: '_loom_input_hash', type: 'VARCHAR' },
  { name: '_loom_fingerprint', type: 'VARCHAR' },
  { name: '_loom_prompt_version', type: 'VARCHAR' },
  { name: '_loom_model', type: 'VARCHAR' },
  { name: '_loom_run_id', type: 'VARCHAR' },
  { name: '_loom_commit', type: 'VARCHAR' },
  { name: '_loom_updated_at', type: 'TIMESTAMPTZ' },
];
export const isLoomColumn = (name: string): boolean => name.startsWith('_loom_');

/** The shape of one llm model's table. */
export interface LlmTableSpec {
  nodeId: string;
  /** Quoted relation, e.g. "main"."review_sentiment". */
  relation: string;
  schema: string;
  table: string;
  /** The input relation rows come from. */
  input: string;
  /** Input columns (Loom's own excluded) with their DuckDB types. */
  inputColumns: Column[];
  keyColumn: string | null;
  /** Input columns copied into the table (the key column first when there is one). */
  copied: Column[];
  outputs: Column[];
}

/** DuckDB type for one property of an output schema: scalars map to columns, anything nested is JSON. */
export function columnTypeOf(schema: unknown): string {
  const s = (schema ?? {}) as JsonSchema;
  let type = s.type as string | string[] | undefined;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length === 1 ? nonNull[0] : undefined;
  }
  if (type === undefined) {
    const values = (s.enum as unknown[] | undefined) ?? (s.const !== undefined ? [s.const] : undefined);
    if (values && values.every((v) => typeof v === 'string')) type = 'string';
    else if (values && values.every((v) => typeof v === 'number')) type = 'number';
  }
  switch (type) {
    case 'string':
      return 'VARCHAR';
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'JSON';
  }
}

/** Output columns of an llm model: one per property of its output schema, or a single `output` for free text. */
export function outputColumns(schema: JsonSchema | null): Column[] {
  if (!schema) return [{ name: 'output', type: 'VARCHAR' }];
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  return Object.entries(props).map(([name, prop]) => ({ name, type: columnTypeOf(prop) }));
}

export async function describeRelation(connection: Connection, relation: string): Promise<Column[]> {
  const rows = await connection.all<{ column_name: string; column_type: string }>(`describe select * from ${relation}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

export function tableColumns(spec: LlmTableSpec): Column[] {
  return [...spec.copied, ...spec.outputs, ...LOOM_COLUMNS];
}

export function tableSignature(spec: LlmTableSpec): string {
  return createHash('sha256').update(JSON.stringify(tableColumns(spec))).digest('hex');
}

/** Creates the table, or recreates it when its columns changed (its rows are then rebuilt from the cache). */
export async function ensureLlmTable(connection: Connection, spec: LlmTableSpec): Promise<'kept' | 'created'> {
  const signature = tableSignature(spec);
  const state = await connection.all<{ table_signature: string }>('select table_signature from loom.node_state where unique_id = ?', [spec.nodeId]);
  const existing = await relationKind(connection, spec.schema, spec.table);
  if (existing === 'table' && state[0]?.table_signature === signature) return 'kept';
  const columns = tableColumns(spec)
    .map((c) => `${quoteIdent(c.name)} ${c.type}`)
    .join(', ');
  await connection.transaction(async (tx) => {
    await tx.run(`create schema if not exists ${quoteIdent(spec.schema)}`);
    // DuckDB refuses `drop view if exists` on a table (and `create or replace table` over a view): drop only a view.
    if (existing === 'view') await tx.run(`drop view ${spec.relation}`);
    await tx.run(`create or replace table ${spec.relation} (${columns})`);
    await tx.run(`delete from loom.quarantine where node_id = ?`, [spec.nodeId]);
    await resetNodeState(tx, spec.nodeId, signature);
  });
  return 'created';
}

/**
 * Sets a node's table signature and clears its data fingerprint, in the caller's transaction. A delete and an
 * insert: DuckDB's `insert or replace` on the primary key took 11-23 ms per row here, the pair ~3 ms.
 */
export async function resetNodeState(tx: Transaction, uniqueId: string, signature: string): Promise<void> {
  await tx.run('delete from loom.node_state where unique_id = ?', [uniqueId]);
  await tx.run('insert into loom.node_state (unique_id, data_fingerprint, table_signature, run_id, updated_at) values (?, null, ?, null, now())', [
    uniqueId,
    signature,
  ]);
}

/** SQL for the key of an input row: the unique_key column as text, or the row's content hash without one. */
function keyExpression(spec: LlmTableSpec, alias: string): string {
  return spec.keyColumn ? `cast(${alias}.${quoteIdent(spec.keyColumn)} as varchar)` : `md5(to_json(${alias}))`;
}

/** The input as (key, hash, row JSON), Loom's own columns left out so re-runs upstream do not change hashes. */
function inputCte(spec: LlmTableSpec): string {
  const cols = spec.inputColumns.map((c) => quoteIdent(c.name)).join(', ');
  return `input as (
    select ${keyExpression(spec, 'x')} as _loom_key, md5(to_json(x)) as _loom_input_hash, to_json(x)::varchar as _loom_row
    from (select ${cols} from ${spec.input}) x
  )`;
}

/** Rows of the input, and (with a unique_key) how many have no key and how many distinct keys there are: one scan. */
export async function inputProfile(connection: Connection, spec: LlmTableSpec): Promise<{ rows: number; nullKeys: number; distinctKeys: number }> {
  if (!spec.keyColumn) {
    const rows = await countRows(connection, spec.input);
    return { rows, nullKeys: 0, distinctKeys: rows };
  }
  const key = quoteIdent(spec.keyColumn);
  const [r] = await connection.all<{ rows: number; keyed: number; distinct_keys: number }>(
    `select count(*) as rows, count(${key}) as keyed, count(distinct ${key}) as distinct_keys from ${spec.input}`,
  );
  return { rows: r.rows, nullKeys: r.rows - r.keyed, distinctKeys: r.distinct_keys };
}

/** Input keys that appear more than once (up to 5), with their counts. */
export async function duplicateKeys(connection: Connection, spec: LlmTableSpec): Promise<{ key: string; n: number }[]> {
  if (!spec.keyColumn) return [];
  return connection.all<{ key: string; n: number }>(
    `select cast(${quoteIdent(spec.keyColumn)} as varchar) as key, count(*) as n from ${spec.input} group by 1 having count(*) > 1 order by n desc, key limit 5`,
  );
}

/** Removes outputs and quarantined rows whose input row no longer exists; returns how many outputs went. */
export async function deleteVanishedRows(connection: Connection, spec: LlmTableSpec): Promise<number> {
  const [held] = await connection.all<{ n: number }>(
    `select (select count(*) from ${spec.relation}) + (select count(*) from loom.quarantine where node_id = ?) as n`,
    [spec.nodeId],
  );
  if (!held.n) return 0;
  return connection.transaction(async (tx) => {
    const keys = `select ${keyExpression(spec, 'x')} from (select ${spec.inputColumns.map((c) => quoteIdent(c.name)).join(', ')} from ${spec.input}) x`;
    const deleted = await tx.run(`delete from ${spec.relation} where _loom_key not in (${keys})`);
    await tx.run(`delete from loom.quarantine where node_id = ? and row_key not in (${keys})`, [spec.nodeId]);
    return deleted;
  });
}

export async function countRows(connection: Connection, relation: string, where = ''): Promise<number> {
  const rows = await connection.all<{ n: number }>(`select count(*) as n from ${relation} ${where}`);
  return rows[0]?.n ?? 0;
}

/**
 * The input rows to send: those with no output (or quarantine record) for their current content under this
 * fingerprint — or, for `loom quarantine retry`, exactly the rows whose keys are given.
 */
export function pendingRowsSql(spec: LlmTableSpec, fingerprint: string, onlyKeys?: readonly string[]): string {
  const fp = quoteString(fingerprint);
  if (onlyKeys) {
    return `with ${inputCte(spec)}
      select i._loom_key, i._loom_input_hash, i._loom_row, true as _loom_present from input i
      where i._loom_key in (${onlyKeys.length ? onlyKeys.map(quoteString).join(', ') : 'null'})`;
  }
  // _loom_present: the key already has a row (output or quarantine) that the new answer replaces; batches of only
  // new keys (a first build, appended rows) then skip the delete, which would scan the whole table each time.
  return `with ${inputCte(spec)},
    present as (select _loom_key as k from ${spec.relation} union select row_key from loom.quarantine where node_id = ${quoteString(spec.nodeId)})
    select i._loom_key, i._loom_input_hash, i._loom_row, p.k is not null as _loom_present from input i
    anti join (select _loom_key, _loom_input_hash from ${spec.relation} where _loom_fingerprint = ${fp}) o
      on o._loom_key = i._loom_key and o._loom_input_hash = i._loom_input_hash
    anti join (select row_key, input_hash from loom.quarantine where node_id = ${quoteString(spec.nodeId)} and data_fingerprint = ${fp}) q
      on q.row_key = i._loom_key and q.input_hash = i._loom_input_hash
    left join present p on p.k = i._loom_key`;
}

export async function recordNodeState(connection: Connection, nodeId: string, fingerprint: string, runId: string): Promise<void> {
  await connection.run('update loom.node_state set data_fingerprint = ?, run_id = ?, updated_at = now() where unique_id = ?', [fingerprint, runId, nodeId]);
}

export type { Transaction };
