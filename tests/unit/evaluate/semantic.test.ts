import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from '../../../src/evaluate/evaluators/semantic.js';
import { runEvaluator } from '../../../src/evaluate/run-evaluator.js';
import { LlmError } from '../../../src/llm/types.js';
import { fakeLlm, rowOf, runtimeWith, specOf } from './fake-llm-service.js';

describe('cosineSimilarity', () => {
  it('computes the cosine and refuses zero or mismatched vectors', () => {
    expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([3, 4], [4, 3])).toBeCloseTo(24 / 25, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBeNaN();
    expect(cosineSimilarity([1], [1, 1])).toBeNaN();
  });
});

describe('semantic evaluator', () => {
  it('embeds output and reference in one call at stage evaluate, named after the evaluator, and scores the cosine', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[3, 4], [4, 3]], cost_usd: 0.0002 }) });
    const spec = specOf('semantic', { name: 'summary_close', threshold: 0.9, inputs: { output: { from: 'output', field: 'summary' }, reference: { from: 'input', column: 'review_text' } } });
    const result = await runEvaluator(spec, rowOf({ summary: 'short' }, { review_text: 'long review' }), runtimeWith(llm, { read_cache: false }));
    expect(result.score).toBeCloseTo(0.96, 12);
    expect(result.passed).toBe(true);
    expect(result.cost_usd).toBe(0.0002);
    expect(result.explanation).toBe('cosine similarity 0.960 between output and reference embeddings (embed-model)');
    expect(llm.embedCalls).toHaveLength(1);
    const call = llm.embedCalls[0]!;
    expect(call.request).toEqual({ model: 'embed-model', input: ['short', 'long review'] });
    expect(call.context).toMatchObject({ stage: 'evaluate', evaluator: 'summary_close', row_key: 'row-1', run_id: 'run-1', node_id: 'model.demo.reviews' });
    expect(call.options).toEqual({ read_cache: false });
  });

  it('uses options.model as the embedding model', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    await runEvaluator(specOf('semantic', { options: { model: 'text-embedding-3-large' } }), rowOf('a', { text: 'b' }), runtimeWith(llm));
    expect(llm.embedCalls[0]!.request.model).toBe('text-embedding-3-large');
  });

  it('defaults the reference to the input row as "column: value" lines', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    await runEvaluator(specOf('semantic'), rowOf({ sentiment: 'positive' }, { review_id: 7, review_text: 'Great!' }), runtimeWith(llm));
    expect(llm.embedCalls[0]!.request.input).toEqual(['positive', 'review_id: 7\nreview_text: Great!']);
  });

  it('scores negative similarity as 0', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0], [-1, 0]] }) });
    const result = await runEvaluator(specOf('semantic'), rowOf('a', { t: 'b' }), runtimeWith(llm));
    expect(result.score).toBe(0);
    expect(result.error).toBeUndefined();
  });

  it('does not pay to embed empty text', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    const result = await runEvaluator(specOf('semantic', { inputs: { reference: { from: 'literal', value: 'x' } } }), rowOf('   '), runtimeWith(llm));
    expect(result).toMatchObject({ score: 0, explanation: 'output is empty' });
    expect(llm.embedCalls).toHaveLength(0);
  });

  it('turns an unusable embedding answer into an error with its cost kept', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0]], cost_usd: 0.0001 }) });
    const result = await runEvaluator(specOf('semantic'), rowOf('a', { t: 'b' }), runtimeWith(llm));
    expect(result.error).toBe('embedding answer unusable: expected 2 non-zero vectors of equal length, got 1 vector(s)');
    expect(result.cost_usd).toBe(0.0001);
  });

  it('turns a failed call into an error result, but lets a budget refusal stop the build', async () => {
    const failing = fakeLlm({ embed: () => new LlmError('server', 'HTTP 503') });
    const result = await runEvaluator(specOf('semantic'), rowOf('a', { t: 'b' }), runtimeWith(failing));
    expect(result.error).toBe('embedding call failed (server: HTTP 503)');
    const broke = fakeLlm({ embed: () => new LlmError('budget', 'node budget of $1.00 reached') });
    await expect(runEvaluator(specOf('semantic'), rowOf('a', { t: 'b' }), runtimeWith(broke))).rejects.toMatchObject({ kind: 'budget' });
  });

  it('records an unpriced model as null cost', async () => {
    const llm = fakeLlm({ embed: () => ({ vectors: [[1, 0], [1, 0]], cost_usd: null }) });
    const result = await runEvaluator(specOf('semantic'), rowOf('a', { t: 'b' }), runtimeWith(llm));
    expect(result.cost_usd).toBeNull();
  });
});
