import { describe, expect, it } from 'vitest';
import { evaluateRow, summarizeScores } from '../../../src/evaluate/evaluate-row.js';
import { normalizeEvaluateBlock } from '../../../src/evaluate-spec/normalize-block.js';
import type { EvaluatorResult } from '../../../src/evaluate/types.js';
import { LlmError } from '../../../src/llm/types.js';
import { fakeLlm, rowOf, runtimeWith } from './fake-llm-service.js';

const block = normalizeEvaluateBlock({
  evaluators: [
    { name: 'allowed_sentiment', type: 'accepted_values', inputs: { output: 'output.sentiment' }, values: ['positive', 'negative', 'neutral'] },
    { type: 'semantic', threshold: 0.8, inputs: { output: 'output.summary', reference: 'input.review_text' } },
    { name: 'criteria', type: 'custom_criteria', criteria: 'Accurate, no hallucination', threshold: 0.75 },
  ],
  quality_gate: 'all_pass',
});

const checks = (met: boolean[]) => JSON.stringify({ checks: met.map((m, i) => ({ criterion: `c${i}`, met: m, reason: 'r' })) });

describe('evaluateRow', () => {
  it('starts with a valid block', () => {
    expect(block.problems).toEqual([]);
  });

  it('runs every evaluator, keeps spec order, applies the gate and totals the cost', async () => {
    const llm = fakeLlm({ complete: [{ content: checks([true, true, true, false]), cost_usd: 0.003 }], embed: () => ({ vectors: [[1, 0], [1, 0]], cost_usd: 0.0001 }) });
    const row = rowOf({ sentiment: 'negative', summary: 'Late delivery' }, { review_text: 'It arrived late.' });
    const evaluation = await evaluateRow(block.specs, block.gate, row, runtimeWith(llm));
    expect(evaluation.results.map((r) => [r.evaluator, r.score, r.passed])).toEqual([
      ['allowed_sentiment', 1, true],
      ['semantic', 1, true],
      ['criteria', 0.75, true],
    ]);
    expect(evaluation.decision).toEqual({ passed: true, reason: '' });
    expect(evaluation.cost_usd).toBeCloseTo(0.0031, 12);
    expect(evaluation.cost_unpriced).toBe(false);
  });

  it('fails the row with the failing evaluator named', async () => {
    const llm = fakeLlm({ complete: [checks([true, false, true, false, true, true, true, false, true, true])], embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    const row = rowOf({ sentiment: 'negative', summary: 'x' }, { review_text: 'y' });
    const evaluation = await evaluateRow(block.specs, block.gate, row, runtimeWith(llm));
    expect(evaluation.decision).toEqual({ passed: false, reason: 'criteria evaluator below threshold (0.70 < 0.75)' });
  });

  it('quarantines a row whose judge answer is malformed, with the reason, without throwing', async () => {
    const llm = fakeLlm({ complete: ['{"checks": "all good", "score": 1}'], embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    const row = rowOf({ sentiment: 'negative', summary: 'x' }, { review_text: 'y' });
    const evaluation = await evaluateRow(block.specs, block.gate, row, runtimeWith(llm));
    expect(evaluation.decision).toEqual({ passed: false, reason: 'criteria evaluator failed: judge answer malformed: `checks` must be array' });
  });

  it('marks the cost as unpriced when a call had no known price', async () => {
    const llm = fakeLlm({ complete: [{ content: checks([true]), cost_usd: null }], embed: () => ({ vectors: [[1, 0], [1, 0]], cost_usd: 0.0001 }) });
    const row = rowOf({ sentiment: 'negative', summary: 'x' }, { review_text: 'y' });
    const evaluation = await evaluateRow(block.specs, block.gate, row, runtimeWith(llm));
    expect(evaluation.cost_usd).toBeCloseTo(0.0001, 12);
    expect(evaluation.cost_unpriced).toBe(true);
  });

  it('rejects when a budget is spent, so the executor stops the node', async () => {
    const llm = fakeLlm({ complete: () => new LlmError('budget', 'run budget reached'), embed: () => ({ vectors: [[1, 0], [1, 0]] }) });
    const row = rowOf({ sentiment: 'negative', summary: 'x' }, { review_text: 'y' });
    await expect(evaluateRow(block.specs, block.gate, row, runtimeWith(llm))).rejects.toMatchObject({ kind: 'budget' });
  });

  it('passes a row with no evaluators without calling anything', async () => {
    const llm = fakeLlm();
    const evaluation = await evaluateRow([], { quality_gate: 'all_pass' }, rowOf('x'), runtimeWith(llm));
    expect(evaluation).toEqual({ results: [], decision: { passed: true, reason: '' }, cost_usd: 0, cost_unpriced: false });
  });
});

describe('summarizeScores', () => {
  const r = (evaluator: string, score: number, threshold: number, error?: string): EvaluatorResult => ({
    evaluator,
    type: 'semantic',
    score,
    threshold,
    passed: !error && score >= threshold,
    weight: 1,
    explanation: '',
    cost_usd: 0,
    ...(error ? { error } : {}),
  });

  it('gives count, mean, population std, min, max and pass rate per evaluator', () => {
    const summary = summarizeScores([
      [r('a', 0.2, 0.5), r('b', 1, 1)],
      [r('a', 0.4, 0.5), r('b', 1, 1)],
      [r('a', 0.6, 0.5), r('b', 0, 1)],
      [r('a', 0.8, 0.5), r('b', 1, 1)],
    ]);
    expect(summary).toHaveLength(2);
    const a = summary[0]!;
    expect(a).toMatchObject({ evaluator: 'a', type: 'semantic', count: 4, errors: 0, pass_rate: 0.5 });
    expect(a.mean).toBeCloseTo(0.5, 12);
    expect(a.std).toBeCloseTo(Math.sqrt(0.05), 12); // population: deviations .3,.1,.1,.3 → mean of squares 0.05
    expect(a.min).toBe(0.2);
    expect(a.max).toBe(0.8);
    expect(summary[1]).toMatchObject({ evaluator: 'b', count: 4, mean: 0.75, min: 0, max: 1, pass_rate: 0.75 });
  });

  it('leaves errored results out of score statistics but counts them as failures', () => {
    const [s] = summarizeScores([[r('a', 1, 0.5)], [r('a', 0, 0.5, 'judge answer malformed: x')]]);
    expect(s).toEqual({ evaluator: 'a', type: 'semantic', count: 2, errors: 1, mean: 1, std: 0, min: 1, max: 1, pass_rate: 0.5 });
  });

  it('reports null statistics when nothing was scored, and nothing for no rows', () => {
    const [s] = summarizeScores([[r('a', 0, 0.5, 'e')]]);
    expect(s).toMatchObject({ count: 1, errors: 1, mean: null, std: null, min: null, max: null, pass_rate: 0 });
    expect(summarizeScores([])).toEqual([]);
  });
});
