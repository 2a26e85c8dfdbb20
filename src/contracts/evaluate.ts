/**
 * A node's `evaluate:` block as the linker resolves it: evaluator specs, their input bindings and the quality gate.
 */
export type EvaluatorType =
  | 'equals'
  | 'contains'
  | 'regex'
  | 'accepted_values'
  | 'json_schema'
  | 'length'
  | 'range'
  | 'similarity'
  | 'custom'
  | 'semantic'
  | 'custom_criteria'
  | 'factuality'
  | 'groundedness'
  | 'relevance'
  | 'pairwise';

/** Named inputs an evaluator reads. Each maps to a column of the input row or a field of the output row. */
export type EvaluatorInputName = 'output' | 'reference' | 'context' | 'query';

/**
 * Where an input's value comes from:
 * - `output` (the whole answer, as JSON text unless it is a single text field) or `output.<field>`
 * - `input.<column>` — a column of the row sent to the transform
 * - `input` — the whole input row as text, one `column: value` line per column (`input_row`)
 * - `prompt` — the rendered prompt that was sent
 * - a literal: `{ value: ... }`
 */
export type InputBinding =
  | { from: 'output'; field?: string }
  | { from: 'input'; column: string }
  | { from: 'input_row' }
  | { from: 'prompt' }
  | { from: 'literal'; value: unknown };

/** One evaluator as written in a model's `evaluate.evaluators[]`, after config resolution. */
export interface EvaluatorSpec {
  name: string;
  type: EvaluatorType;
  /** Pass when score >= threshold. */
  threshold: number;
  /** For the `weighted` gate; defaults to 1.0. */
  weight: number;
  inputs: Partial<Record<EvaluatorInputName, InputBinding>>;
  /** Type-specific options: `value`, `values`, `pattern`, `flags`, `min`, `max`, `schema`, `criteria`,
   * `case_sensitive`, `module`, `export`, `model` (judge or embedding model), `unit` ... (see registry.ts). */
  options: Record<string, unknown>;
}

/** The values an evaluator sees for one row. */
export interface EvaluationInput {
  /** The parsed answer (object for structured outputs, string for free text). */
  output: unknown;
  /** The input row sent to the transform. */
  input: Record<string, unknown>;
  /** The rendered prompt text. */
  prompt: string;
  row_key: string;
}

export type QualityGate = 'all_pass' | 'any_pass' | 'majority_pass' | 'weighted';

export interface GateSpec {
  quality_gate: QualityGate;
  /** The weighted gate's threshold. */
  threshold?: number;
  /** Share of rows in [0, 1] below which the node ends `partial`. */
  batch_threshold?: number;
}

export type OnFailure = 'quarantine' | 'skip' | 'fail' | 'fallback';

/** How an evaluator works out its score: in code alone, from embeddings, or from an LLM judge's lists. */
export type EvaluatorKind = 'deterministic' | 'embedding' | 'judge';

/** A problem in the `evaluate:` block; `path` is relative to that block (e.g. ['evaluators', 2, 'inputs', 'context']). */
export interface EvaluateProblem {
  path: (string | number)[];
  message: string;
}

/** The `evaluate:` block after defaults and checks. Compile fails when `problems` is not empty. */
export interface EvaluateBlock {
  specs: EvaluatorSpec[];
  gate: GateSpec;
  on_failure: OnFailure;
  fallback_model?: string;
  problems: EvaluateProblem[];
  /** Legal but probably unintended settings (e.g. a gate `threshold` under `all_pass`). */
  warnings: EvaluateProblem[];
}

export interface EvaluatorResult {
  evaluator: string;
  type: EvaluatorType;
  /** In [0, 1]; NaN never: an evaluator that cannot score returns 0 with an explanation. */
  score: number;
  passed: boolean;
  threshold: number;
  weight: number;
  /** Human-readable why: e.g. "2 of 3 statements supported by the context". */
  explanation: string;
  /** Dollars spent on judge/embedding calls for this row (0 when cached or deterministic; null when unpriced). */
  cost_usd: number | null;
  /** Structured lists a judge returned (claims, verdicts...), kept for the evaluations table. */
  details?: Record<string, unknown>;
  /** Set when the evaluator itself failed (judge answer malformed, custom module threw). */
  error?: string;
}
