import { describe, expect, it } from 'vitest';
import { PAIRWISE_SCHEMA } from '../../../src/evaluate/judges/pairwise.js';
import { runEvaluator } from '../../../src/evaluate/run-evaluator.js';
import type { CompletionRequest } from '../../../src/llm/types.js';
import { fakeLlm, rowOf, runtimeWith, specOf } from './fake-llm-service.js';

const OURS = 'Our answer: the parcel ships Monday.';
const BASELINE = 'Baseline answer: soon.';

const spec = specOf('pairwise', { name: 'vs_baseline', inputs: { reference: { from: 'input', column: 'baseline' } }, options: { criteria: 'More specific' } });
const row = rowOf(OURS, { baseline: BASELINE }, 'When does my parcel ship?');

function positions(request: CompletionRequest): { a: string; b: string } {
  const user = request.messages[1]!.content;
  const a = /<response_a>\n([\s\S]*?)\n<\/response_a>/.exec(user)![1]!;
  const b = /<response_b>\n([\s\S]*?)\n<\/response_b>/.exec(user)![1]!;
  return { a, b };
}

/** A judge that picks by content ("ours", "baseline") or by position ("A", "B", "tie"). */
function judge(pick: (order: { a: string; b: string }) => 'A' | 'B' | 'tie') {
  return fakeLlm({
    complete: (request) => JSON.stringify({ winner: pick(positions(request)), reasons: ['because'] }),
  });
}
const prefers = (text: string) => (o: { a: string; b: string }) => (o.a === text ? 'A' : 'B');

describe('pairwise judge', () => {
  it('asks in both orders: output as A, then output as B', async () => {
    const llm = judge(prefers(OURS));
    await runEvaluator(spec, row, runtimeWith(llm));
    expect(llm.completeCalls).toHaveLength(2);
    expect(positions(llm.completeCalls[0]!.request)).toEqual({ a: OURS, b: BASELINE });
    expect(positions(llm.completeCalls[1]!.request)).toEqual({ a: BASELINE, b: OURS });
    for (const call of llm.completeCalls) {
      expect(call.context).toMatchObject({ stage: 'evaluate', evaluator: 'vs_baseline' });
      expect(call.request.output_schema).toBe(PAIRWISE_SCHEMA);
      expect(call.request.messages[1]!.content).toContain('<query>\nWhen does my parcel ship?\n</query>');
      expect(call.request.messages[1]!.content).toContain('<criteria>\nMore specific\n</criteria>');
    }
  });

  it('scores 1 when the output wins both orders, and sums both calls\' cost', async () => {
    const result = await runEvaluator(spec, row, runtimeWith(judge(prefers(OURS))));
    expect(result.score).toBe(1);
    expect(result.passed).toBe(true);
    expect(result.cost_usd).toBeCloseTo(0.002, 12);
    expect(result.explanation).toBe('output wins both orders; order 1 (output as A): A (output) wins; order 2 (output as B): B (output) wins');
  });

  it('scores 0 when the output loses both orders', async () => {
    const result = await runEvaluator(spec, row, runtimeWith(judge(prefers(BASELINE))));
    expect(result.score).toBe(0);
    expect(result.passed).toBe(false);
    expect(result.explanation).toBe('output loses both orders; order 1 (output as A): B (candidate) wins; order 2 (output as B): A (candidate) wins');
  });

  it('scores 0.5 for a split verdict and names the position bias', async () => {
    const result = await runEvaluator(spec, row, runtimeWith(judge(() => 'A')));
    expect(result.score).toBe(0.5);
    expect(result.passed).toBe(true); // default threshold 0.5: not worse than the candidate
    expect(result.explanation).toBe(
      'split verdict; order 1 (output as A): A (output) wins; order 2 (output as B): A (candidate) wins; position bias: the judge picked position A in both orders',
    );
    expect(result.details?.verdicts).toEqual([
      { order: 1, output_position: 'A', winner: 'A', outcome: 'output', reasons: ['because'] },
      { order: 2, output_position: 'B', winner: 'A', outcome: 'candidate', reasons: ['because'] },
    ]);
  });

  it('scores 0.5 for ties, and for a win plus a tie', async () => {
    const tie = await runEvaluator(spec, row, runtimeWith(judge(() => 'tie')));
    expect(tie.score).toBe(0.5);
    expect(tie.explanation).toBe('tie in both orders; order 1 (output as A): tie; order 2 (output as B): tie');
    const winThenTie = await runEvaluator(spec, row, runtimeWith(judge((o) => (o.a === OURS ? 'A' : 'tie'))));
    expect(winThenTie.score).toBe(0.5);
    expect(winThenTie.explanation).toBe('split verdict; order 1 (output as A): A (output) wins; order 2 (output as B): tie');
  });

  it('fails with an error when either order is malformed, naming the order', async () => {
    const llm = fakeLlm({ complete: [JSON.stringify({ winner: 'A', reasons: ['r'] }), JSON.stringify({ winner: 'C', reasons: ['r'] })] });
    const result = await runEvaluator(spec, row, runtimeWith(llm));
    expect(result.score).toBe(0);
    expect(result.error).toBe('judge answer malformed: order 2: `winner` must be equal to one of the allowed values ["A","B","tie"]');
    expect(result.cost_usd).toBeCloseTo(0.002, 12);
  });

  it('requires reasons', async () => {
    const llm = fakeLlm({ complete: () => JSON.stringify({ winner: 'A', reasons: [] }) });
    const result = await runEvaluator(spec, row, runtimeWith(llm));
    expect(result.error).toBe('judge answer malformed: order 1: `reasons` is an empty list');
  });

  it('reports an unknown cost when a call is unpriced', async () => {
    const llm = fakeLlm({ complete: [{ content: JSON.stringify({ winner: 'A', reasons: ['r'] }), cost_usd: null }, JSON.stringify({ winner: 'B', reasons: ['r'] })] });
    const result = await runEvaluator(spec, row, runtimeWith(llm));
    expect(result.score).toBe(1);
    expect(result.cost_usd).toBeNull();
  });
});
