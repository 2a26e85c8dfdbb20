/** Quality gates: a row's evaluator results → pass/fail with the reason texts of DESIGN.md; and the batch threshold. */
import { evaluatorPasses, SCORE_EPSILON } from './result.js';
import type { BatchDecision, EvaluatorResult, GateDecision, GateSpec } from './types.js';

/** Whether one result counts as passing in every gate: no error and score >= threshold. */
export function resultPasses(result: EvaluatorResult): boolean {
  return evaluatorPasses(result.score, result.threshold, result.error);
}

/**
 * `x.toFixed(min)`, with more decimals (up to 6) when `min` would not show the exact value: 0.75 → "0.75",
 * 0.755 → "0.755".
 */
export function formatBound(x: number, min = 2): string {
  for (let d = min; d <= 6; d++) {
    const text = x.toFixed(d);
    if (Math.abs(Number(text) - x) < 1e-12) return text;
  }
  return x.toFixed(6);
}

/** A value known to be below `bound`, with enough decimals (from `min`, up to 6) that it also reads as below it. */
export function formatBelow(value: number, bound: number, min = 2): string {
  for (let d = min; d <= 6; d++) {
    const text = value.toFixed(d);
    if (Number(text) < bound) return text;
  }
  return value.toFixed(6);
}

/** `criteria evaluator below threshold (0.70 < 0.75)`, or `... failed: <error>` for an evaluator that errored. */
export function failureReason(result: EvaluatorResult): string {
  if (result.error !== undefined) return `${result.evaluator} evaluator failed: ${result.error}`;
  return `${result.evaluator} evaluator below threshold (${formatBelow(result.score, result.threshold)} < ${formatBound(result.threshold)})`;
}

function withErrors(reason: string, results: readonly EvaluatorResult[]): string {
  const errors = results.filter((r) => r.error !== undefined).map(failureReason);
  return [reason, ...errors].join('; ');
}

/**
 * The row's verdict. No evaluators → passes. An errored result counts as a failing evaluator (score 0 in the
 * weighted average); when the gate fails, the errors are appended to the reason.
 */
export function applyGate(gate: GateSpec, results: readonly EvaluatorResult[]): GateDecision {
  if (results.length === 0) return { passed: true, reason: '' };
  const passing = results.filter(resultPasses).length;
  switch (gate.quality_gate) {
    case 'all_pass': {
      const failing = results.filter((r) => !resultPasses(r));
      return failing.length === 0 ? { passed: true, reason: '' } : { passed: false, reason: failing.map(failureReason).join('; ') };
    }
    case 'any_pass':
      return passing > 0 ? { passed: true, reason: '' } : { passed: false, reason: withErrors('No evaluators passed threshold', results) };
    case 'majority_pass': {
      if (passing * 2 > results.length) return { passed: true, reason: '' };
      const percent = Math.round((passing / results.length) * 100);
      return { passed: false, reason: withErrors(`Majority not achieved: ${passing}/${results.length} passed (${percent}%)`, results) };
    }
    case 'weighted': {
      const threshold = gate.threshold ?? 0.5;
      let weighted = 0;
      let weights = 0;
      for (const r of results) {
        const weight = Number.isFinite(r.weight) && r.weight > 0 ? r.weight : 1;
        weighted += (r.error === undefined ? r.score : 0) * weight;
        weights += weight;
      }
      const average = weighted / weights;
      if (average >= threshold - SCORE_EPSILON) return { passed: true, reason: '' };
      return {
        passed: false,
        reason: withErrors(`Weighted average below threshold (${formatBelow(average, threshold, 3)} < ${formatBound(threshold)})`, results),
      };
    }
    default:
      return { passed: false, reason: `unknown quality gate \`${String(gate.quality_gate)}\`` };
  }
}

/** `partial` when passed/total < batch_threshold; no rows, or no batch threshold, is never partial. */
export function batchDecision(passed: number, total: number, batch_threshold: number | undefined): BatchDecision {
  if (total <= 0) return { partial: false, share: null, message: '' };
  const share = passed / total;
  if (batch_threshold === undefined || share >= batch_threshold - SCORE_EPSILON) return { partial: false, share, message: '' };
  const shown = formatBelow(share * 100, batch_threshold * 100, 1);
  return { partial: true, share, message: `Batch quality below threshold: ${shown}% < ${formatBound(batch_threshold * 100, 1)}%` };
}
