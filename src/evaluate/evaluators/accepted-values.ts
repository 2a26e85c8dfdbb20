import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { quote, toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { comparableText } from './normalize-text.js';

/** Score 1 when the output (trimmed) is one of `values`, else 0. */
export const acceptedValuesEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const values = (spec.options.values as unknown[]) ?? [];
  const text = comparableText(read.values.output, spec);
  const accepted = values.some((value) => comparableText(value, spec) === text);
  return accepted
    ? scored(spec, 1, `output ${quote(text)} is an accepted value`)
    : scored(spec, 0, `output ${quote(text)} is not one of ${values.map((v) => toText(v)).join(', ')}`);
};
