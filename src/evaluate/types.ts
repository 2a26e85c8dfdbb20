/**
 * Evaluators judge one LLM answer (one output row) and return a score in [0, 1]; gates combine the scores of a
 * row's evaluators into pass/fail with a reason; the batch threshold judges a node's rows together.
 */
import type { CallContext, LlmService } from '../llm/service-types.js';
import type { LlmParams } from '../llm/types.js';
import type { EvaluationInput, EvaluatorResult, EvaluatorSpec, EvaluatorType } from '../contracts/evaluate.js';
import type { EvaluatorStats } from '../contracts/run-results.js';

export type { EvaluatorResult, EvaluateBlock, EvaluateProblem, EvaluationInput, EvaluatorInputName, EvaluatorKind, EvaluatorSpec, EvaluatorType, GateSpec, InputBinding, OnFailure, QualityGate } from '../contracts/evaluate.js';

/** What evaluators need at run time besides the row. */
export interface EvaluatorRuntime {
  llm: LlmService;
  /** Base context for calls (run, node, row, budgets); evaluators set stage `evaluate` and their own name. */
  call: CallContext;
  /** The judge/embedding model parameters when the evaluator does not name its own `model`. */
  judge_params: LlmParams;
  embedding_model: string;
  /** Absolute project directory, to resolve `custom` modules. */
  project_dir: string;
  read_cache: boolean;
}

export interface GateDecision {
  passed: boolean;
  /** Empty when passed; otherwise the reason text from DESIGN.md. */
  reason: string;
}

/** One evaluator implementation. Never throws for a bad row or a bad judge answer: it returns `error` instead. */
export type Evaluator = (spec: EvaluatorSpec, input: EvaluationInput, runtime: EvaluatorRuntime) => Promise<EvaluatorResult>;

/** What `evaluateRow` returns for one row. */
export interface RowEvaluation {
  results: EvaluatorResult[];
  decision: GateDecision;
  /** Dollars of the calls whose price is known (cache hits cost 0). */
  cost_usd: number;
  /** True when at least one call had no known price, so `cost_usd` is a lower bound. */
  cost_unpriced: boolean;
}

/** The batch threshold's verdict on a node's rows. */
export interface BatchDecision {
  /** True when the share of passing rows is below `batch_threshold`: the node ends `partial`. */
  partial: boolean;
  /** passed / total, or null when there were no rows. */
  share: number | null;
  /** Empty unless partial: `Batch quality below threshold: 92.0% < 95.0%`. */
  message: string;
}

/** Per-evaluator statistics over a build's rows (score statistics leave out results that errored), with the type. */
export interface ScoreSummary extends EvaluatorStats {
  type: EvaluatorType;
}
