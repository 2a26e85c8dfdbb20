/** What one node's run produced: read by exec, written by warehouse, shown by the CLI. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'partial' | 'interrupted';

/** Per-evaluator statistics of one node's rows in one run. */
export interface EvaluatorStats {
  evaluator: string;
  count: number;
  errors: number;
  /** null when no row produced a score. */
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  pass_rate: number;
}

export interface NodeResult {
  unique_id: string;
  status: NodeStatus;
  message: string | null;
  execution_time: number;
  /** Rows in the node's relation after the run (for llm nodes: rows loaded). */
  rows: number;
  /** llm nodes: rows answered this run and loaded / quarantined / skipped by the gate; rows removed because their input vanished; rows kept from earlier runs. */
  rows_passed: number;
  rows_quarantined: number;
  rows_skipped: number;
  rows_deleted: number;
  rows_reused: number;
  /** Requests sent over the network (all attempts) and answers served by the cache. */
  llm_calls: number;
  cache_hits: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  cost_transform_usd: number;
  cost_evaluate_usd: number;
  evaluation: { pass_rate: number; evaluators: EvaluatorStats[] } | null;
  unpriced_models: string[];
}

export function emptyResult(uniqueId: string, status: NodeStatus = 'success', message: string | null = null): NodeResult {
  return {
    unique_id: uniqueId,
    status,
    message,
    execution_time: 0,
    rows: 0,
    rows_passed: 0,
    rows_quarantined: 0,
    rows_skipped: 0,
    rows_deleted: 0,
    rows_reused: 0,
    llm_calls: 0,
    cache_hits: 0,
    tokens_in: 0,
    tokens_out: 0,
    cost_usd: 0,
    cost_transform_usd: 0,
    cost_evaluate_usd: 0,
    evaluation: null,
    unpriced_models: [],
  };
}
