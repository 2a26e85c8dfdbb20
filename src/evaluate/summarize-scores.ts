/** Per-evaluator score statistics over a build's rows, for the build output. */
import { resultPasses } from './gates.js';
import type { EvaluatorResult, ScoreSummary } from './types.js';

/**
 * One summary per evaluator, in order of first appearance. `rows[i]` is the results of row i. Results with
 * `error` count in `count`, `errors` and (as failures) `pass_rate`, but not in the score statistics.
 */
export function summarizeScores(rows: readonly (readonly EvaluatorResult[])[]): ScoreSummary[] {
  const groups = new Map<string, EvaluatorResult[]>();
  for (const row of rows) {
    for (const result of row) {
      const group = groups.get(result.evaluator);
      if (group) group.push(result);
      else groups.set(result.evaluator, [result]);
    }
  }
  return [...groups.values()].map((results) => {
    const scores = results.filter((r) => r.error === undefined).map((r) => r.score);
    const passed = results.filter(resultPasses).length;
    const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
    const std = mean === null ? null : Math.sqrt(scores.reduce((acc, s) => acc + (s - mean) ** 2, 0) / scores.length);
    return {
      evaluator: results[0]!.evaluator,
      type: results[0]!.type,
      count: results.length,
      errors: results.length - scores.length,
      mean,
      std,
      min: scores.length ? scores.reduce((a, b) => Math.min(a, b)) : null,
      max: scores.length ? scores.reduce((a, b) => Math.max(a, b)) : null,
      pass_rate: passed / results.length,
    };
  });
}
