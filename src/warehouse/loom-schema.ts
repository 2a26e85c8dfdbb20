import { error, UserError } from '../diagnostics/diagnostic.js';
import type { Connection } from './database.js';

/**
 * The shape of every Loom table once all migrations have run (tests/unit/warehouse/loom-schema.test.ts keeps it
 * equal to what migrations.ts creates). Checked at every open, so a `loom` schema damaged from outside (a table
 * dropped, a column dropped or renamed) is found before a build writes into it.
 */
export const LOOM_TABLES: Readonly<Record<string, readonly string[]>> = {
  migrations: ['version INTEGER PRIMARY KEY', 'applied_at TIMESTAMPTZ'],
  runs: [
    'run_id VARCHAR PRIMARY KEY', 'invocation_id VARCHAR', 'command VARCHAR', 'target VARCHAR', 'loom_version VARCHAR', 'git_commit VARCHAR',
    'git_branch VARCHAR', 'git_dirty BOOLEAN', 'started_at TIMESTAMPTZ', 'ended_at TIMESTAMPTZ', 'status VARCHAR', 'args JSON', 'offline BOOLEAN',
    'nodes INTEGER', 'rows BIGINT', 'llm_calls BIGINT', 'cache_hits BIGINT', 'tokens_in BIGINT', 'tokens_out BIGINT', 'cost_usd DOUBLE',
  ],
  node_runs: [
    'run_id VARCHAR', 'unique_id VARCHAR', 'kind VARCHAR', 'status VARCHAR', 'message VARCHAR', 'started_at TIMESTAMPTZ', 'ended_at TIMESTAMPTZ',
    'execution_time DOUBLE', 'rows BIGINT', 'rows_passed BIGINT', 'rows_quarantined BIGINT', 'rows_skipped BIGINT', 'rows_deleted BIGINT',
    'rows_reused BIGINT', 'llm_calls BIGINT', 'cache_hits BIGINT', 'tokens_in BIGINT', 'tokens_out BIGINT', 'cost_usd DOUBLE',
    'cost_transform_usd DOUBLE', 'cost_evaluate_usd DOUBLE', 'data_fingerprint VARCHAR', 'evaluation JSON',
  ],
  llm_calls: [
    'call_id VARCHAR', 'run_id VARCHAR', 'node_id VARCHAR', 'row_key VARCHAR', 'stage VARCHAR', 'evaluator VARCHAR', 'cache_key VARCHAR',
    'provider VARCHAR', 'model VARCHAR', 'attempt INTEGER', 'status VARCHAR', 'http_status INTEGER', 'tokens_in BIGINT', 'tokens_out BIGINT',
    'tokens_cached BIGINT', 'cost_usd DOUBLE', 'latency_ms DOUBLE', 'error VARCHAR', 'started_at TIMESTAMPTZ',
  ],
  llm_cache: ['cache_key VARCHAR PRIMARY KEY', 'kind VARCHAR', 'provider VARCHAR', 'model VARCHAR', 'response JSON', 'created_at TIMESTAMPTZ'],
  lineage: [
    'run_id VARCHAR', 'node_id VARCHAR', 'row_key VARCHAR', 'status VARCHAR', 'input_node VARCHAR', 'input_hash VARCHAR', 'data_fingerprint VARCHAR',
    'prompt_version VARCHAR', 'context_versions JSON', 'model VARCHAR', 'git_commit VARCHAR', 'created_at TIMESTAMPTZ',
  ],
  evaluations: [
    'run_id VARCHAR', 'node_id VARCHAR', 'row_key VARCHAR', 'evaluator VARCHAR', 'type VARCHAR', 'score DOUBLE', 'passed BOOLEAN', 'threshold DOUBLE',
    'weight DOUBLE', 'explanation VARCHAR', 'cost_usd DOUBLE', 'error VARCHAR', 'details JSON', 'created_at TIMESTAMPTZ',
  ],
  quarantine: [
    'node_id VARCHAR', 'row_key VARCHAR', 'disposition VARCHAR', 'input_hash VARCHAR', 'data_fingerprint VARCHAR', 'run_id VARCHAR', 'git_commit VARCHAR',
    'reason VARCHAR', 'scores JSON', 'output JSON', 'input JSON', 'prompt VARCHAR', 'model VARCHAR', 'created_at TIMESTAMPTZ', 'PRIMARY KEY (node_id, row_key)',
  ],
  node_state: ['unique_id VARCHAR PRIMARY KEY', 'data_fingerprint VARCHAR', 'table_signature VARCHAR', 'run_id VARCHAR', 'updated_at TIMESTAMPTZ'],
  journal_segments: ['segment VARCHAR', 'loaded_at TIMESTAMPTZ'],
};

export const DAMAGED_LOOM_SCHEMA_CODE = 'LOOM206';

const columnNames = (table: string) => LOOM_TABLES[table].filter((c) => !c.startsWith('PRIMARY KEY')).map((c) => c.split(' ')[0]);
const quoted = (definition: string) => (definition.startsWith('PRIMARY KEY') ? definition : definition.replace(/^(\w+)/, '"$1"'));

/** `create table loom.<table>` in its current shape. */
export function createLoomTableSql(table: string): string {
  return `create table loom.${table} (${LOOM_TABLES[table].map(quoted).join(', ')})`;
}

/**
 * Re-creates, empty, every Loom table that is missing (returns their names, for a warning); a table whose columns
 * are not Loom's is a user error naming it and the way to repair it. One prepared select per table (bound, never
 * run; 3-5 ms for all of them on a busy 2-core machine): the catalog listings (duckdb_tables(), duckdb_columns())
 * take ~20 ms on a warehouse of 3,000 tables, and one prepared cross join of every table took ~20 ms too.
 */
export async function repairLoomTables(connection: Connection, warehousePath: string): Promise<string[]> {
  const tables = Object.keys(LOOM_TABLES);
  const missing: string[] = [];
  const altered: string[] = [];
  for (const table of tables) {
    const columns = await connection.columnNames(`loom.${table}`);
    if (columns === null) missing.push(table);
    else if (columns.join(',') !== columnNames(table).join(',')) altered.push(`loom.${table} has columns (${columns.join(', ')}), Loom expects (${columnNames(table).join(', ')})`);
  }
  if (altered.length) {
    const drops = altered.map((a) => a.split(' ')[0]);
    throw new UserError(
      error(
        DAMAGED_LOOM_SCHEMA_CODE,
        `the Loom tables of the warehouse ${warehousePath} were changed from outside: ${altered.join('; ')}. Schema \`loom\` is Loom's own; to repair, drop the changed table (duckdb ${warehousePath} "drop table ${drops.join('; drop table ')}") and the next build re-creates it empty, or start over with \`loom clean --warehouse\` (every cached answer is lost with it)`,
      ),
    );
  }
  for (const table of missing) await connection.run(createLoomTableSql(table));
  return missing.map((t) => `loom.${t}`);
}
