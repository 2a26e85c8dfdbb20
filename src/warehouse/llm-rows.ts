import type { EvaluatorResult } from '../contracts/evaluate.js';
import { quoteIdent, quoteString } from '../sql/quote.js';
import { appendNullable, type Connection } from './database.js';
import type { Column, LlmTableSpec } from './llm-table.js';

/** One finished input row, ready to be written. */
export interface FinishedRow {
  key: string;
  inputHash: string;
  /** The key already has a row in the table or in quarantine, which this one replaces. */
  replaces: boolean;
  /** The input row as JSON text (as read); null for passed rows when no input column is copied. */
  row: string | null;
  disposition: 'passed' | 'quarantined' | 'skipped';
  /** The parsed answer as JSON text; null when there is none (the answer was not valid JSON). */
  output: string | null;
  model: string;
  reason: string | null;
  /** Evaluator name → score, as JSON text. */
  scores: string | null;
  /** The rendered prompt; kept for quarantined rows only (a passed row's prompt is reproducible from lineage). */
  prompt: string | null;
  evaluations: EvaluationRow[];
}

/** An `EvaluatorResult` as the evaluations table stores it: details as JSON text, no error as null. */
export type EvaluationRow = Omit<EvaluatorResult, 'type' | 'details' | 'error'> & {
  type: string;
  error: string | null;
  details: string | null;
};

export interface BatchContext {
  runId: string;
  commit: string | null;
  fingerprint: string;
  promptVersion: string;
  contextVersions: string;
  inputNode: string;
}

/**
 * Writes a batch of finished rows in one transaction: passed rows replace any older output of the same key,
 * failed rows replace any older quarantine record, and each row's lineage and evaluations are recorded.
 * A build killed mid-batch leaves the warehouse as it was before the batch (DuckDB's WAL discards it).
 */
export async function writeBatch(connection: Connection, spec: LlmTableSpec, rows: readonly FinishedRow[], ctx: BatchContext): Promise<void> {
  if (!rows.length) return;
  await connection.transaction(async (tx) => {
    // Created and dropped per batch: deleting a temp table's rows does not free its memory, so reusing one table
    // held every row the build ever staged (temp and in-memory tables: 85 MB at 200,000 rows, 38 MB without).
    await tx.run(`create or replace temp table row_stage (
      key varchar, input_hash varchar, row_json varchar, disposition varchar, output_json varchar, model varchar,
      reason varchar, scores varchar, prompt varchar, replaces boolean)`);
    await tx.run(`create or replace temp table eval_stage (
      key varchar, evaluator varchar, type varchar, score double, passed boolean, threshold double, weight double,
      explanation varchar, cost_usd double, error varchar, details varchar)`);
    await tx.append('temp', 'row_stage', rows, (a, r) => {
      a.appendVarchar(r.key);
      a.appendVarchar(r.inputHash);
      appendNullable(a, r.row);
      a.appendVarchar(r.disposition);
      appendNullable(a, r.output);
      a.appendVarchar(r.model);
      appendNullable(a, r.reason);
      appendNullable(a, r.scores);
      appendNullable(a, r.prompt);
      a.appendBoolean(r.replaces);
    });
    const evals = rows.flatMap((r) => r.evaluations.map((e) => ({ key: r.key, ...e })));
    await tx.append('temp', 'eval_stage', evals, (a, e) => {
      a.appendVarchar(e.key);
      a.appendVarchar(e.evaluator);
      a.appendVarchar(e.type);
      a.appendDouble(Number.isFinite(e.score) ? e.score : 0);
      a.appendBoolean(e.passed);
      a.appendDouble(e.threshold);
      a.appendDouble(e.weight);
      a.appendVarchar(e.explanation);
      if (e.cost_usd === null) a.appendNull();
      else a.appendDouble(e.cost_usd);
      appendNullable(a, e.error);
      appendNullable(a, e.details);
    });
    if (rows.some((r) => r.replaces)) {
      await tx.run(`delete from ${spec.relation} where _loom_key in (select key from row_stage where replaces)`);
      await tx.run(`delete from loom.quarantine where node_id = ? and row_key in (select key from row_stage where replaces)`, [spec.nodeId]);
    }
    const copied = spec.copied.map((c) => `${extract('s.row_json', c)} as ${quoteIdent(c.name)}`);
    const outputs = spec.outputs.map((c) =>
      spec.outputs.length === 1 && c.name === 'output' && spec.outputs[0].type === 'VARCHAR'
        ? `s.output_json::json ->> '$' as ${quoteIdent(c.name)}`
        : `${extract('s.output_json', c)} as ${quoteIdent(c.name)}`,
    );
    await tx.run(
      `insert into ${spec.relation} select ${[...copied, ...outputs].join(', ')},
         s.key, s.input_hash, $fingerprint, $prompt_version, s.model, $run_id, $git_commit, now()
       from row_stage s where s.disposition = 'passed'`,
      { fingerprint: ctx.fingerprint, prompt_version: ctx.promptVersion, run_id: ctx.runId, git_commit: ctx.commit },
    );
    await tx.run(
      `insert into loom.quarantine select $node_id, s.key, s.disposition, s.input_hash, $fingerprint, $run_id, $git_commit, s.reason,
         s.scores::json, s.output_json::json, s.row_json::json, s.prompt, s.model, now()
       from row_stage s where s.disposition <> 'passed'`,
      { node_id: spec.nodeId, fingerprint: ctx.fingerprint, run_id: ctx.runId, git_commit: ctx.commit },
    );
    await tx.run(
      `insert into loom.lineage select $run_id, $node_id, s.key, s.disposition, $input_node, s.input_hash, $fingerprint, $prompt_version,
         $context_versions::json, s.model, $git_commit, now() from row_stage s`,
      {
        run_id: ctx.runId,
        node_id: spec.nodeId,
        input_node: ctx.inputNode,
        fingerprint: ctx.fingerprint,
        prompt_version: ctx.promptVersion,
        context_versions: ctx.contextVersions,
        git_commit: ctx.commit,
      },
    );
    await tx.run(
      `insert into loom.evaluations select $run_id, $node_id, e.key, e.evaluator, e.type, e.score, e.passed, e.threshold, e.weight,
         e.explanation, e.cost_usd, e.error, e.details::json, now() from eval_stage e`,
      { run_id: ctx.runId, node_id: spec.nodeId },
    );
    await tx.run('drop table temp.row_stage');
    await tx.run('drop table temp.eval_stage');
  });
}

/** A typed value out of a JSON text column: scalars through json_extract_string + cast, the rest as JSON. */
function extract(column: string, c: Column): string {
  const path = quoteString(`$.${JSON.stringify(c.name)}`);
  if (c.type === 'JSON') return `json_extract(${column}, ${path})`;
  const scalar = /^(VARCHAR|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DOUBLE|FLOAT|REAL|BOOLEAN|DATE|TIME|TIMESTAMP|TIMESTAMPTZ|TIMESTAMP WITH TIME ZONE|DECIMAL.*|UUID|INTERVAL)$/i.test(c.type);
  return scalar ? `try_cast(json_extract_string(${column}, ${path}) as ${c.type})` : `try_cast(json_extract(${column}, ${path}) as ${c.type})`;
}
