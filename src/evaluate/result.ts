/** Building EvaluatorResults, and the one rule for when an evaluator passes. */
import type { EvaluatorResult, EvaluatorSpec } from './types.js';

/** Slack for floating-point noise, so a score computed as exactly the threshold (e.g. 3/4 vs 0.75) passes. */
export const SCORE_EPSILON = 1e-9;

/** An evaluator passes when it produced a score (no error) and score >= threshold. */
export function evaluatorPasses(score: number, threshold: number, error?: string): boolean {
  return error === undefined && score >= threshold - SCORE_EPSILON;
}

export interface ResultExtras {
  cost_usd?: number | null;
  details?: Record<string, unknown>;
}

/** A scored result; a score that is not a finite number in [0, 1] becomes an error, never NaN. */
export function scored(spec: EvaluatorSpec, score: number, explanation: string, extras: ResultExtras = {}): EvaluatorResult {
  if (!Number.isFinite(score) || score < 0 || score > 1) {
    return failed(spec, `score ${String(score)} is outside [0, 1]`, extras);
  }
  return {
    evaluator: spec.name,
    type: spec.type,
    score,
    passed: evaluatorPasses(score, spec.threshold),
    threshold: spec.threshold,
    weight: spec.weight,
    explanation,
    cost_usd: extras.cost_usd === undefined ? 0 : extras.cost_usd,
    ...(extras.details ? { details: extras.details } : {}),
  };
}

/** The evaluator could not score this row: score 0, not passed, `error` set (the row goes to quarantine). */
export function failed(spec: EvaluatorSpec, error: string, extras: ResultExtras = {}): EvaluatorResult {
  return {
    evaluator: spec.name,
    type: spec.type,
    score: 0,
    passed: false,
    threshold: spec.threshold,
    weight: spec.weight,
    explanation: error,
    cost_usd: extras.cost_usd === undefined ? 0 : extras.cost_usd,
    ...(extras.details ? { details: extras.details } : {}),
    error,
  };
}

/** Sum of call costs; null when any of them has no known price (unknown is not zero). */
export function sumCosts(costs: readonly (number | null)[]): number | null {
  let total = 0;
  for (const cost of costs) {
    if (cost === null) return null;
    total += cost;
  }
  return total;
}
