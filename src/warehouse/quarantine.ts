import type { Connection } from './database.js';

export interface QuarantinedRow {
  node_id: string;
  row_key: string;
  disposition: string;
  reason: string | null;
  scores: string | null;
  run_id: string;
  git_commit: string | null;
  model: string | null;
  created_at: string;
  output: string | null;
  input: string | null;
}

/** Rows held back by quality gates (and skipped ones), newest first; optionally only some nodes or one run. */
export async function listQuarantine(connection: Connection, filter: { nodes?: readonly string[]; runId?: string; disposition?: string } = {}): Promise<QuarantinedRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.nodes) {
    if (!filter.nodes.length) return [];
    where.push(`node_id in (${filter.nodes.map(() => '?').join(', ')})`);
    values.push(...filter.nodes);
  }
  if (filter.runId) {
    // The list shows the first 8 characters of a run id; any unambiguous prefix selects the run.
    where.push("starts_with(run_id, ?)");
    values.push(filter.runId);
  }
  if (filter.disposition) {
    where.push('disposition = ?');
    values.push(filter.disposition);
  }
  return connection.all<QuarantinedRow>(
    `select node_id, row_key, disposition, reason, scores::varchar as scores, run_id, git_commit, model, created_at::varchar as created_at,
            output::varchar as output, input::varchar as input
     from loom.quarantine ${where.length ? `where ${where.join(' and ')}` : ''}
     order by created_at desc, node_id, row_key`,
    values,
  );
}

/** Keys of a node's quarantined rows (not the ones skipped on purpose). */
export async function quarantinedKeys(connection: Connection, nodeId: string): Promise<string[]> {
  const rows = await connection.all<{ row_key: string }>(`select row_key from loom.quarantine where node_id = ? and disposition = 'quarantined' order by row_key`, [nodeId]);
  return rows.map((r) => r.row_key);
}
