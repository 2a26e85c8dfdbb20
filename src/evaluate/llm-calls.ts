/** What evaluators pass to LlmService with every call, and which LLM errors stop the build instead of one row. */
import type { CallContext, CompleteOptions } from '../llm/service-types.js';
import { LlmError } from '../llm/types.js';
import type { EvaluationInput, EvaluatorRuntime, EvaluatorSpec } from './types.js';

/** The row's base context, marked as this evaluator's spending at stage `evaluate`. */
export function evaluatorCallContext(spec: EvaluatorSpec, input: EvaluationInput, runtime: EvaluatorRuntime): CallContext {
  return { ...runtime.call, row_key: input.row_key, stage: 'evaluate', evaluator: spec.name };
}

export function evaluatorCallOptions(runtime: EvaluatorRuntime): CompleteOptions {
  return { read_cache: runtime.read_cache };
}

/**
 * Errors that are about the build, not the row: the build is stopping (`aborted`) or a budget is spent
 * (`budget`). These propagate out of evaluators so the executor handles them as it does for transforms;
 * every other call failure becomes an error result and the row goes to quarantine.
 */
export function isFatalLlmError(err: unknown): boolean {
  return err instanceof LlmError && (err.kind === 'aborted' || err.kind === 'budget');
}

export function describeCallError(err: unknown): string {
  if (err instanceof LlmError) return `${err.kind}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
