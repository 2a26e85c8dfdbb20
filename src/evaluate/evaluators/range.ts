import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { quote } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';

/** A number, or a string holding one ("0.8"); NaN for anything else. */
function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
  return Number.NaN;
}

/** Score 1 when the output is a number within `min`..`max` (inclusive), else 0. */
export const rangeEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const value = asNumber(read.values.output);
  if (!Number.isFinite(value)) return scored(spec, 0, `output ${quote(read.values.output)} is not a number`);
  const min = typeof spec.options.min === 'number' ? spec.options.min : -Infinity;
  const max = typeof spec.options.max === 'number' ? spec.options.max : Infinity;
  if (value < min) return scored(spec, 0, `output ${value} is below the minimum of ${min}`);
  if (value > max) return scored(spec, 0, `output ${value} is above the maximum of ${max}`);
  return scored(spec, 1, `output ${value} is within ${min}..${max}`);
};
