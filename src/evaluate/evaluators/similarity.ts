import { distance } from 'fastest-levenshtein';
import { readInputs } from '../read-inputs.js';
import { scored } from '../result.js';
import type { Evaluator } from '../types.js';
import { comparableText } from './normalize-text.js';

/** 1 - Levenshtein distance / length of the longer text; two empty texts are identical (1). */
export function levenshteinSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

/** Edit-distance similarity between the output and the `value` option (or else the reference input). */
export const similarityEvaluator: Evaluator = async (spec, input) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const expected = spec.options.value !== undefined ? spec.options.value : read.values.reference;
  const a = comparableText(read.values.output, spec);
  const b = comparableText(expected, spec);
  const score = levenshteinSimilarity(a, b);
  return scored(spec, score, `edit-distance similarity ${score.toFixed(3)} (${distance(a, b)} edits over ${Math.max(a.length, b.length)} characters)`);
};
