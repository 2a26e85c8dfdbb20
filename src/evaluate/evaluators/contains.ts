import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { quote } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { comparableText } from './normalize-text.js';

/** Score = share of `values` (or the single `value`) found in the output. */
export const containsEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const wanted = Array.isArray(spec.options.values) ? (spec.options.values as unknown[]) : [spec.options.value];
  const text = comparableText(read.values.output, spec);
  const missing = wanted.filter((value) => !text.includes(comparableText(value, spec)));
  const found = wanted.length - missing.length;
  const explanation =
    missing.length === 0
      ? `output contains ${wanted.length === 1 ? quote(wanted[0]) : `all ${wanted.length} values`}`
      : `output contains ${found} of ${wanted.length} value${wanted.length === 1 ? '' : 's'}; missing: ${missing.map((v) => quote(v)).join(', ')}`;
  return scored(spec, found / wanted.length, explanation);
};
