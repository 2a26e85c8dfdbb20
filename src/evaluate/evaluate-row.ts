/** Evaluating one row: every evaluator concurrently, then the gate. */
import { applyGate } from './gates.js';
import { runEvaluator } from './run-evaluator.js';
import type { EvaluationInput, EvaluatorRuntime, EvaluatorSpec, GateSpec, RowEvaluation } from './types.js';

export { summarizeScores } from './summarize-scores.js';

/**
 * Runs `specs` on one row and applies `gate`. Results come back in spec order. Rejects only with the LLM
 * errors that stop the build (`aborted`, `budget`).
 */
export async function evaluateRow(
  specs: readonly EvaluatorSpec[],
  gate: GateSpec,
  input: EvaluationInput,
  runtime: EvaluatorRuntime,
): Promise<RowEvaluation> {
  const results = await Promise.all(specs.map((spec) => runEvaluator(spec, input, runtime)));
  let cost_usd = 0;
  let cost_unpriced = false;
  for (const result of results) {
    if (result.cost_usd === null) cost_unpriced = true;
    else cost_usd += result.cost_usd;
  }
  return { results, decision: applyGate(gate, results), cost_usd, cost_unpriced };
}
