import { readInputs } from '../read-inputs.js';
import { failed, scored } from '../result.js';
import { quote, toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';

/** Score 1 when the output matches `pattern` (with `flags`), else 0. Bad patterns are caught at compile time. */
export const regexEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const pattern = String(spec.options.pattern);
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, typeof spec.options.flags === 'string' ? spec.options.flags : undefined);
  } catch (err) {
    return failed(spec, `invalid regular expression: ${(err as Error).message}`);
  }
  const text = toText(read.values.output);
  return regex.test(text)
    ? scored(spec, 1, `output matches /${pattern}/`)
    : scored(spec, 0, `output ${quote(text)} does not match /${pattern}/`);
};
