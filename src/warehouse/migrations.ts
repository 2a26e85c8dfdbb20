import { error, UserError } from '../diagnostics/diagnostic.js';
import type { Connection } from './database.js';

/**
 * Loom's own tables, in schema `loom`. Each entry upgrades the warehouse by one version; a warehouse is migrated
 * forward on open, never back. Never edit a released entry: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, node runs, LLM calls and cache, lineage, evaluations, quarantine, per-node state
  `
  create schema if not exists loom;
  create table loom.runs (
    run_id varchar primary key, invocation_id varchar, command varchar, target varchar, loom_version varchar,
    git_commit varchar, git_branch varchar, git_dirty boolean,
    started_at timestamptz, ended_at timestamptz, status varchar, args json, offline boolean,
    nodes integer, rows bigint, llm_calls bigint, cache_hits bigint, tokens_in bigint, tokens_out bigint, cost_usd double
  );
  create table loom.node_runs (
    run_id varchar, unique_id varchar, kind varchar, status varchar, message varchar,
    started_at timestamptz, ended_at timestamptz, execution_time double,
    rows bigint, rows_passed bigint, rows_quarantined bigint, rows_skipped bigint, rows_deleted bigint, rows_reused bigint,
    llm_calls bigint, cache_hits bigint, tokens_in bigint, tokens_out bigint,
    cost_usd double, cost_transform_usd double, cost_evaluate_usd double,
    data_fingerprint varchar, evaluation json
  );
  create table loom.llm_calls (
    call_id varchar, run_id varchar, node_id varchar, row_key varchar, stage varchar, evaluator varchar,
    cache_key varchar, provider varchar, model varchar, attempt integer, status varchar, http_status integer,
    tokens_in bigint, tokens_out bigint, tokens_cached bigint, cost_usd double, latency_ms double, error varchar,
    started_at timestamptz
  );
  create table loom.llm_cache (
    cache_key varchar, kind varchar, provider varchar, model varchar, response json, created_at timestamptz
  );
  create table loom.lineage (
    run_id varchar, node_id varchar, row_key varchar, status varchar, input_node varchar, input_hash varchar,
    data_fingerprint varchar, prompt_version varchar, context_versions json, model varchar, git_commit varchar,
    created_at timestamptz
  );
  create table loom.evaluations (
    run_id varchar, node_id varchar, row_key varchar, evaluator varchar, type varchar, score double, passed boolean,
    threshold double, weight double, explanation varchar, cost_usd double, error varchar, details json,
    created_at timestamptz
  );
  create table loom.quarantine (
    node_id varchar, row_key varchar, disposition varchar, input_hash varchar, data_fingerprint varchar,
    run_id varchar, git_commit varchar, reason varchar, scores json, output json, input json, prompt varchar,
    model varchar, created_at timestamptz,
    primary key (node_id, row_key)
  );
  create table loom.node_state (
    unique_id varchar primary key, data_fingerprint varchar, table_signature varchar, run_id varchar, updated_at timestamptz
  );
  `,
  // Journal segments already loaded whose files a crash may have left behind (see JournalSink.loadedSegments).
  `
  create table loom.journal_segments (segment varchar, loaded_at timestamptz);
  `,
  // 3: the cache keyed by cache_key, so a lookup is an index probe whatever the cache holds. Older warehouses may
  // hold a key twice (a replayed journal): the first answer stored is kept.
  `
  create table loom.llm_cache_keyed (
    cache_key varchar primary key, kind varchar, provider varchar, model varchar, response json, created_at timestamptz
  );
  insert into loom.llm_cache_keyed
    select distinct on (cache_key) * from loom.llm_cache order by cache_key, created_at;
  drop table loom.llm_cache;
  alter table loom.llm_cache_keyed rename to llm_cache;
  `,
];

export async function migrate(connection: Connection): Promise<void> {
  await connection.run('create schema if not exists loom');
  await connection.run('create table if not exists loom.migrations (version integer primary key, applied_at timestamptz)');
  const rows = await connection.all<{ v: number | null }>('select max(version) as v from loom.migrations');
  let current = rows[0]?.v ?? 0;
  // Its records dropped from outside while the tables stand: take them as current, repairLoomTables checks them.
  if (current === 0 && (await connection.columnNames('loom.runs')) !== null) {
    for (let version = 1; version <= MIGRATIONS.length; version++) await connection.run('insert into loom.migrations values (?, now())', [version]);
    current = MIGRATIONS.length;
  }
  if (current > MIGRATIONS.length) {
    throw new UserError(
      error('LOOM203', `this warehouse was written by a newer loom (warehouse schema version ${current}; this loom knows up to ${MIGRATIONS.length}); upgrade loom to use it`),
    );
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    await connection.transaction(async (tx) => {
      for (const statement of MIGRATIONS[version - 1].split(';').map((s) => s.trim()).filter(Boolean)) await tx.run(statement);
      await tx.run('insert into loom.migrations values (?, now())', [version]);
    });
  }
}
