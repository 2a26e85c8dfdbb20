import type { GitInfo, Manifest, ManifestNode } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import type { BudgetScope, LlmService } from '../llm/service-types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export { emptyResult, type EvaluatorStats, type NodeResult, type NodeStatus } from '../contracts/run-results.js';
import type { NodeResult } from '../contracts/run-results.js';

/** What the CLI shows while a build runs. */
export interface Reporter {
  nodeStart(node: ManifestNode, index: number, total: number): void;
  /** llm nodes: rows finished so far of the rows pending in this run. */
  nodeProgress(node: ManifestNode, done: number, pending: number): void;
  nodeEnd(node: ManifestNode, result: NodeResult, index: number, total: number): void;
  warn(message: string): void;
}

export interface BuildFlags {
  fullRefresh: boolean;
  /** --no-cache: do not read the LLM cache (answers are still written to it). */
  readCache: boolean;
  failFast: boolean;
  threads: number;
}

/** Everything a node runner needs. */
export interface RunContext {
  runId: string;
  manifest: Manifest;
  config: ResolvedConfig;
  warehouse: Warehouse;
  llm: LlmService;
  git: GitInfo | null;
  flags: BuildFlags;
  reporter: Reporter;
  /** The run's budget (null limit when none is set). */
  runBudget: BudgetScope;
  /** Aborted by --fail-fast or a signal: runners stop sending and finish what they hold. */
  signal: AbortSignal;
}
