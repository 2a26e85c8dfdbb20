/** Resolving a spec's inputs for one row, and refusing to score when a bound input has no value. */
import { formatInputBinding, resolveInput } from '../evaluate-spec/input-binding.js';
import { EVALUATOR_INPUT_NAMES, requiredInputs } from '../evaluate-spec/registry.js';
import { failed } from './result.js';
import type { EvaluationInput, EvaluatorInputName, EvaluatorResult, EvaluatorSpec } from './types.js';

export type InputValues = Partial<Record<EvaluatorInputName, unknown>>;

/**
 * The values of every bound input. When a required input is unbound, or any bound input resolves to
 * null/undefined for this row (a missing output field, a null column), returns an error result instead, so no
 * judge is ever paid to read nothing and no comparison silently runs against an empty value.
 */
export function readInputs(spec: EvaluatorSpec, input: EvaluationInput): { values: InputValues } | { result: EvaluatorResult } {
  for (const name of requiredInputs(spec.type)) {
    if (spec.inputs[name] === undefined) return { result: failed(spec, `input \`${name}\` is not bound`) };
  }
  const values: InputValues = {};
  for (const name of EVALUATOR_INPUT_NAMES) {
    const binding = spec.inputs[name];
    if (binding === undefined) continue;
    const value = resolveInput(binding, input);
    if (value === undefined || value === null) {
      return { result: failed(spec, `input \`${name}\` (${formatInputBinding(binding)}) has no value for this row`) };
    }
    values[name] = value;
  }
  return { values };
}
