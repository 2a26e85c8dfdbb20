import { describeCallError, evaluatorCallContext, evaluatorCallOptions, isFatalLlmError } from '../llm-calls.js';
import { readInputs } from '../read-inputs.js';
import { failed, scored } from '../result.js';
import { toText } from '../../evaluate-spec/text.js';
import type { Evaluator } from '../types.js';

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return Number.NaN;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  if (normA === 0 || normB === 0) return Number.NaN;
  return dot / Math.sqrt(normA * normB);
}

/**
 * Cosine similarity of the embeddings of output and reference, in one embedding request; negative similarity
 * scores 0. Empty text is not sent: both empty scores 1, one empty scores 0.
 */
export const semanticEvaluator: Evaluator = async (spec, input, runtime) => {
  const read = readInputs(spec, input);
  if ('result' in read) return read.result;
  const output = toText(read.values.output).trim();
  const reference = toText(read.values.reference).trim();
  if (output === '' || reference === '') {
    return output === reference ? scored(spec, 1, 'output and reference are both empty') : scored(spec, 0, `${output === '' ? 'output' : 'reference'} is empty`);
  }
  const model = typeof spec.options.model === 'string' ? spec.options.model : runtime.embedding_model;
  let outcome;
  try {
    outcome = await runtime.llm.embed({ model, input: [output, reference] }, evaluatorCallContext(spec, input, runtime), evaluatorCallOptions(runtime));
  } catch (err) {
    if (isFatalLlmError(err)) throw err;
    return failed(spec, `embedding call failed (${describeCallError(err)})`);
  }
  const details = { model: outcome.response.model, cached: outcome.cached };
  const [a, b] = outcome.response.vectors;
  const cosine = a && b ? cosineSimilarity(a, b) : Number.NaN;
  if (!Number.isFinite(cosine)) {
    return failed(spec, `embedding answer unusable: expected 2 non-zero vectors of equal length, got ${outcome.response.vectors.length} vector(s)`, {
      cost_usd: outcome.cost_usd,
      details,
    });
  }
  const score = Math.min(1, Math.max(0, cosine));
  return scored(spec, score, `cosine similarity ${cosine.toFixed(3)} between output and reference embeddings (${model})`, {
    cost_usd: outcome.cost_usd,
    details,
  });
};
