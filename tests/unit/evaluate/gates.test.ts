import { describe, expect, it } from 'vitest';
import { applyGate, batchDecision, formatBelow, formatBound } from '../../../src/evaluate/gates.js';
import type { EvaluatorResult } from '../../../src/evaluate/types.js';

function result(evaluator: string, score: number, threshold: number, extra: Partial<EvaluatorResult> = {}): EvaluatorResult {
  return {
    evaluator,
    type: 'custom_criteria',
    score,
    threshold,
    passed: score >= threshold,
    weight: 1,
    explanation: '',
    cost_usd: 0,
    ...extra,
  };
}

describe('all_pass', () => {
  const gate = { quality_gate: 'all_pass' } as const;

  it('passes when every evaluator reaches its threshold', () => {
    expect(applyGate(gate, [result('a', 0.9, 0.8), result('b', 1, 1)])).toEqual({ passed: true, reason: '' });
  });

  it('names the failing evaluator with two decimals, as in DESIGN.md', () => {
    expect(applyGate(gate, [result('semantic', 0.9, 0.8), result('criteria', 0.7, 0.75)])).toEqual({
      passed: false,
      reason: 'criteria evaluator below threshold (0.70 < 0.75)',
    });
  });

  it('joins several failures with "; " in spec order', () => {
    const decision = applyGate(gate, [result('first', 0.1, 0.5), result('ok', 1, 0.5), result('second', 0.25, 1)]);
    expect(decision.reason).toBe('first evaluator below threshold (0.10 < 0.50); second evaluator below threshold (0.25 < 1.00)');
  });

  it('passes an evaluator exactly at its threshold', () => {
    expect(applyGate(gate, [result('a', 0.75, 0.75)]).passed).toBe(true);
    // 3 of 4 checks met, computed in code, against the same threshold
    expect(applyGate(gate, [result('a', 3 / 4, 0.75)]).passed).toBe(true);
  });

  it('passes floating-point noise just below an exact threshold, but not a real shortfall', () => {
    expect(applyGate(gate, [result('a', 0.1 + 0.2, 0.3)]).passed).toBe(true);
    expect(applyGate(gate, [result('a', 0.2999, 0.3)]).passed).toBe(false);
  });

  it('shows enough decimals that the reason never reads "0.75 < 0.75"', () => {
    expect(applyGate(gate, [result('criteria', 0.749, 0.75)]).reason).toBe('criteria evaluator below threshold (0.749 < 0.75)');
    expect(applyGate(gate, [result('criteria', 0.7, 0.755)]).reason).toBe('criteria evaluator below threshold (0.70 < 0.755)');
  });

  it('counts an errored evaluator as failing even with a score at threshold, and says why', () => {
    const decision = applyGate(gate, [result('judge', 1, 0.5, { error: 'judge answer malformed: not JSON: "oops"' })]);
    expect(decision).toEqual({ passed: false, reason: 'judge evaluator failed: judge answer malformed: not JSON: "oops"' });
  });

  it('passes with no evaluators at all', () => {
    expect(applyGate(gate, [])).toEqual({ passed: true, reason: '' });
  });
});

describe('any_pass', () => {
  const gate = { quality_gate: 'any_pass' } as const;

  it('passes when one of several passes', () => {
    expect(applyGate(gate, [result('a', 0.1, 0.5), result('b', 0.5, 0.5)]).passed).toBe(true);
  });

  it('fails with the DESIGN.md reason when none passes', () => {
    expect(applyGate(gate, [result('a', 0.1, 0.5), result('b', 0.4, 0.5)])).toEqual({ passed: false, reason: 'No evaluators passed threshold' });
  });

  it('appends evaluator errors to the reason', () => {
    expect(applyGate(gate, [result('a', 0.1, 0.5), result('b', 0, 0.5, { error: 'judge call failed (server: 503)' })]).reason).toBe(
      'No evaluators passed threshold; b evaluator failed: judge call failed (server: 503)',
    );
  });

  it('passes a single passing evaluator and fails a single failing one', () => {
    expect(applyGate(gate, [result('a', 0.6, 0.5)]).passed).toBe(true);
    expect(applyGate(gate, [result('a', 0.4, 0.5)]).passed).toBe(false);
  });

  it('passes with no evaluators', () => {
    expect(applyGate(gate, []).passed).toBe(true);
  });
});

describe('majority_pass', () => {
  const gate = { quality_gate: 'majority_pass' } as const;

  it('fails 1 of 2 (half is not a majority)', () => {
    expect(applyGate(gate, [result('a', 1, 0.5), result('b', 0, 0.5)])).toEqual({ passed: false, reason: 'Majority not achieved: 1/2 passed (50%)' });
  });

  it('passes 1 of 1', () => {
    expect(applyGate(gate, [result('a', 1, 0.5)])).toEqual({ passed: true, reason: '' });
  });

  it('fails 0 of 1', () => {
    expect(applyGate(gate, [result('a', 0.2, 0.5)]).reason).toBe('Majority not achieved: 0/1 passed (0%)');
  });

  it('passes 2 of 3 and fails 1 of 3 with a rounded percentage', () => {
    expect(applyGate(gate, [result('a', 1, 0.5), result('b', 1, 0.5), result('c', 0, 0.5)]).passed).toBe(true);
    expect(applyGate(gate, [result('a', 1, 0.5), result('b', 0, 0.5), result('c', 0, 0.5)]).reason).toBe('Majority not achieved: 1/3 passed (33%)');
  });

  it('fails 2 of 4', () => {
    const results = [result('a', 1, 0.5), result('b', 1, 0.5), result('c', 0, 0.5), result('d', 0, 0.5)];
    expect(applyGate(gate, results).reason).toBe('Majority not achieved: 2/4 passed (50%)');
  });

  it('counts an errored result as not passing', () => {
    const results = [result('a', 1, 0.5), result('b', 0.9, 0.5, { error: 'custom module threw' })];
    expect(applyGate(gate, results)).toEqual({ passed: false, reason: 'Majority not achieved: 1/2 passed (50%); b evaluator failed: custom module threw' });
  });
});

describe('weighted', () => {
  it('computes Σ(score×weight)/Σ(weight) with weights defaulting to 1.0', () => {
    // (0.5 + 1.0) / 2 = 0.75, exactly the threshold: passes
    const equal = [result('a', 0.5, 0.9), result('b', 1, 0.9)];
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.75 }, equal)).toEqual({ passed: true, reason: '' });
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.76 }, equal)).toEqual({
      passed: false,
      reason: 'Weighted average below threshold (0.750 < 0.76)',
    });
  });

  it('applies weights', () => {
    // (0.9×1 + 0.6×2) / 3 = 0.7
    const results = [result('a', 0.9, 0.5, { weight: 1 }), result('b', 0.6, 0.5, { weight: 2 })];
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.7 }, results).passed).toBe(true);
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.71 }, results).passed).toBe(false);
    // with equal weights the same scores average 0.75
    const unweighted = [result('a', 0.9, 0.5), result('b', 0.6, 0.5)];
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.71 }, unweighted).passed).toBe(true);
  });

  it('formats the average with three decimals and the threshold with two, as in DESIGN.md', () => {
    // (0.729×1) = 0.729
    const decision = applyGate({ quality_gate: 'weighted', threshold: 0.75 }, [result('a', 0.729, 0.5)]);
    expect(decision).toEqual({ passed: false, reason: 'Weighted average below threshold (0.729 < 0.75)' });
  });

  it('ignores per-evaluator thresholds (a failing evaluator can be carried by others)', () => {
    const results = [result('a', 0.4, 0.9), result('b', 1, 0.9)];
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.7 }, results).passed).toBe(true);
  });

  it('scores an errored evaluator as 0 and appends its error', () => {
    const results = [result('a', 1, 0.5), result('b', 0.9, 0.5, { error: 'judge answer malformed: x' })];
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.75 }, results)).toEqual({
      passed: false,
      reason: 'Weighted average below threshold (0.500 < 0.75); b evaluator failed: judge answer malformed: x',
    });
  });

  it('passes with no evaluators', () => {
    expect(applyGate({ quality_gate: 'weighted', threshold: 0.9 }, []).passed).toBe(true);
  });
});

describe('batchDecision', () => {
  it('is partial below the batch threshold with the DESIGN.md message', () => {
    expect(batchDecision(92, 100, 0.95)).toEqual({ partial: true, share: 0.92, message: 'Batch quality below threshold: 92.0% < 95.0%' });
  });

  it('is not partial at exactly the threshold', () => {
    expect(batchDecision(95, 100, 0.95)).toEqual({ partial: false, share: 0.95, message: '' });
    expect(batchDecision(19, 20, 0.95).partial).toBe(false);
  });

  it('never reads "95.0% < 95.0%"', () => {
    expect(batchDecision(9499, 10000, 0.95).message).toBe('Batch quality below threshold: 94.99% < 95.0%');
  });

  it('is never partial without a threshold or without rows', () => {
    expect(batchDecision(0, 10, undefined)).toEqual({ partial: false, share: 0, message: '' });
    expect(batchDecision(0, 0, 0.95)).toEqual({ partial: false, share: null, message: '' });
  });

  it('reports 0 of n', () => {
    expect(batchDecision(0, 3, 0.5).message).toBe('Batch quality below threshold: 0.0% < 50.0%');
  });
});

describe('number formatting', () => {
  it('formatBound keeps the exact value with at least the minimum decimals', () => {
    expect(formatBound(0.75)).toBe('0.75');
    expect(formatBound(1)).toBe('1.00');
    expect(formatBound(0.755)).toBe('0.755');
    expect(formatBound(95, 1)).toBe('95.0');
  });

  it('formatBelow adds decimals until the value reads as below the bound', () => {
    expect(formatBelow(0.7, 0.75)).toBe('0.70');
    expect(formatBelow(0.7499, 0.75)).toBe('0.7499');
    expect(formatBelow(0.729, 0.75, 3)).toBe('0.729');
  });
});
