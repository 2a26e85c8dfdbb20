/** The table from evaluator type to implementation, and the one place that turns a crash into an error result. */
import { acceptedValuesEvaluator } from './evaluators/accepted-values.js';
import { containsEvaluator } from './evaluators/contains.js';
import { customEvaluator } from './evaluators/custom.js';
import { equalsEvaluator } from './evaluators/equals.js';
import { jsonSchemaEvaluator } from './evaluators/json-schema.js';
import { lengthEvaluator } from './evaluators/length.js';
import { rangeEvaluator } from './evaluators/range.js';
import { regexEvaluator } from './evaluators/regex.js';
import { semanticEvaluator } from './evaluators/semantic.js';
import { similarityEvaluator } from './evaluators/similarity.js';
import { customCriteriaJudge } from './judges/custom-criteria.js';
import { factualityJudge } from './judges/factuality.js';
import { groundednessJudge } from './judges/groundedness.js';
import { pairwiseJudge } from './judges/pairwise.js';
import { relevanceJudge } from './judges/relevance.js';
import { isFatalLlmError } from './llm-calls.js';
import { failed } from './result.js';
import type { EvaluationInput, Evaluator, EvaluatorResult, EvaluatorRuntime, EvaluatorSpec, EvaluatorType } from './types.js';

export const EVALUATORS: Readonly<Record<EvaluatorType, Evaluator>> = {
  equals: equalsEvaluator,
  contains: containsEvaluator,
  regex: regexEvaluator,
  accepted_values: acceptedValuesEvaluator,
  json_schema: jsonSchemaEvaluator,
  length: lengthEvaluator,
  range: rangeEvaluator,
  similarity: similarityEvaluator,
  custom: customEvaluator,
  semantic: semanticEvaluator,
  custom_criteria: customCriteriaJudge,
  factuality: factualityJudge,
  groundedness: groundednessJudge,
  relevance: relevanceJudge,
  pairwise: pairwiseJudge,
};

/**
 * Runs one evaluator on one row. Never rejects, except with the LLM errors that stop the build
 * (`aborted`, `budget`; see isFatalLlmError).
 */
export async function runEvaluator(spec: EvaluatorSpec, input: EvaluationInput, runtime: EvaluatorRuntime): Promise<EvaluatorResult> {
  const evaluator = Object.hasOwn(EVALUATORS, spec.type) ? EVALUATORS[spec.type] : undefined;
  if (!evaluator) return failed(spec, `unknown evaluator type \`${String(spec.type)}\``);
  try {
    return await evaluator(spec, input, runtime);
  } catch (err) {
    if (isFatalLlmError(err)) throw err;
    return failed(spec, `evaluator crashed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
