import type { GitInfo, Manifest, ManifestNode } from '../contracts/manifest.js';
import type { ResolvedConfig } from '../config/types.js';
import type { BudgetScope, LlmService } from '../llm/service-types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

export { emptyResult, type EvaluatorStats, type NodeResult, type NodeStatus } from '../contracts/run-results.js';
import type { NodeResult } from '../contracts/run-results.js';

/** The reason `RunContext.signal` carries when Ctrl-C / SIGTERM stopped the run (not --fail-fast). */
export const INTERRUPTED = 'interrupted';

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
  /**
   * Aborted by --fail-fast or an interrupt (reason INTERRUPTED): runners send no new row and finish what they
   * hold; the requests in flight are cut off separately (at once for --fail-fast, after a deadline on an interrupt).
   */
  signal: AbortSignal;
}
