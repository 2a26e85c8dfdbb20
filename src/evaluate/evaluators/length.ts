import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';

/** Characters are Unicode code points (an emoji counts once); words are runs of non-whitespace. */
export function measureLength(text: string, unit: 'characters' | 'words'): number {
  if (unit === 'words') return text.split(/\s+/).filter((w) => w !== '').length;
  return [...text].length;
}

/** Score 1 when the output's length is within `min`..`max` (inclusive), else 0. */
export const lengthEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const unit = spec.options.unit === 'words' ? 'words' : 'characters';
  const length = measureLength(toText(read.values.output), unit);
  const min = typeof spec.options.min === 'number' ? spec.options.min : undefined;
  const max = typeof spec.options.max === 'number' ? spec.options.max : undefined;
  if (min !== undefined && length < min) return scored(spec, 0, `output is ${length} ${unit}, below the minimum of ${min}`);
  if (max !== undefined && length > max) return scored(spec, 0, `output is ${length} ${unit}, above the maximum of ${max}`);
  return scored(spec, 1, `output is ${length} ${unit}, within ${min ?? 0}..${max ?? '∞'}`);
};
