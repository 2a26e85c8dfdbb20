/** How comparing evaluators prepare text: trimmed, and lower-cased unless `case_sensitive` (default true). */
import { toText } from '../../evaluate-spec/text.js';
import type { EvaluatorSpec } from '../types.js';

export function comparableText(value: unknown, spec: EvaluatorSpec): string {
  const text = toText(value).trim();
  return spec.options.case_sensitive === false ? text.toLowerCase() : text;
}
