import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import { quote } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';
import { comparableText } from './normalize-text.js';

/** Score 1 when the output equals the `value` option (or else the reference input), whitespace trimmed. */
export const equalsEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const expected = spec.options.value !== undefined ? spec.options.value : read.values.reference;
  const same = comparableText(read.values.output, spec) === comparableText(expected, spec);
  return same
    ? scored(spec, 1, `output equals ${quote(expected)}`)
    : scored(spec, 0, `output ${quote(read.values.output)} does not equal ${quote(expected)}`);
};
