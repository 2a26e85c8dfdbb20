/** The evaluation engine's public surface. */
export * from './types.js';
export { normalizeEvaluateBlock } from '../evaluate-spec/normalize-block.js';
export { validateEvaluatorSpec, checkEvaluatorSpec } from '../evaluate-spec/validate-spec.js';
export {
  EVALUATOR_DEFINITIONS,
  EVALUATOR_TYPES,
  EVALUATOR_INPUT_NAMES,
  acceptedInputs,
  evaluatorDefinition,
  isEvaluatorType,
  requiredInputs,
  withDefaultInputs,
  type EvaluatorDefinition,
} from '../evaluate-spec/registry.js';
export { resolveInput, parseInputBinding, formatInputBinding } from '../evaluate-spec/input-binding.js';
export { toText, stableJson, inputRowText } from '../evaluate-spec/text.js';
export { applyGate, batchDecision, failureReason, resultPasses } from './gates.js';
export { evaluateRow } from './evaluate-row.js';
export { summarizeScores } from './summarize-scores.js';
export { runEvaluator, EVALUATORS } from './run-evaluator.js';
export { isFatalLlmError } from './llm-calls.js';
export { evaluatorPasses } from './result.js';
export type { CustomEvaluatorArgs } from './evaluators/custom.js';
