import type { GitInfo } from '../contracts/manifest.js';
import type { NodeResult } from '../contracts/run-results.js';
import type { Connection } from './database.js';

export interface RunStart {
  runId: string;
  invocationId: string;
  command: string;
  target: string;
  loomVersion: string;
  git: GitInfo | null;
  args: Record<string, unknown>;
  offline: boolean;
}

export async function recordRunStart(connection: Connection, run: RunStart): Promise<void> {
  await connection.run(
    `insert into loom.runs (run_id, invocation_id, command, target, loom_version, git_commit, git_branch, git_dirty, started_at, status, args, offline)
     values (?, ?, ?, ?, ?, ?, ?, ?, now(), 'running', ?::json, ?)`,
    [run.runId, run.invocationId, run.command, run.target, run.loomVersion, run.git?.commit ?? null, run.git?.branch ?? null, run.git?.dirty ?? null, JSON.stringify(run.args), run.offline],
  );
}

export async function recordRunEnd(connection: Connection, runId: string, status: string, results: readonly NodeResult[]): Promise<void> {
  const sum = (f: (r: NodeResult) => number) => results.reduce((a, r) => a + f(r), 0);
  await connection.run(
    `update loom.runs set ended_at = now(), status = ?, nodes = ?, rows = ?, llm_calls = ?, cache_hits = ?, tokens_in = ?, tokens_out = ?, cost_usd = ? where run_id = ?`,
    [status, results.length, sum((r) => r.rows), sum((r) => r.llm_calls), sum((r) => r.cache_hits), sum((r) => r.tokens_in), sum((r) => r.tokens_out), sum((r) => r.cost_usd), runId],
  );
}

export async function recordNodeRun(connection: Connection, runId: string, kind: string, fingerprint: string, started: Date, result: NodeResult): Promise<void> {
  await connection.run(
    `insert into loom.node_runs values (?, ?, ?, ?, ?, ?::timestamptz, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::json)`,
    [
      runId,
      result.unique_id,
      kind,
      result.status,
      result.message,
      started.toISOString(),
      result.execution_time,
      result.rows,
      result.rows_passed,
      result.rows_quarantined,
      result.rows_skipped,
      result.rows_deleted,
      result.rows_reused,
      result.llm_calls,
      result.cache_hits,
      result.tokens_in,
      result.tokens_out,
      result.cost_usd,
      result.cost_transform_usd,
      result.cost_evaluate_usd,
      fingerprint,
      result.evaluation ? JSON.stringify(result.evaluation) : null,
    ],
  );
}

/** Marks runs left `running` by a process that died (kill -9, power loss) as `interrupted`. */
export async function closeInterruptedRuns(connection: Connection): Promise<number> {
  const rows = await connection.all<{ n: number }>(`select count(*) as n from loom.runs where status = 'running'`);
  await connection.run(`update loom.runs set status = 'interrupted' where status = 'running'`);
  return rows[0]?.n ?? 0;
}
