import type { ManifestNode } from '../contracts/manifest.js';
import { batchDecision } from '../evaluate/gates.js';
import { summarizeScores } from '../evaluate/summarize-scores.js';
import type { EvaluateBlock, EvaluatorResult } from '../evaluate/types.js';
import type { NodeLlmStats } from './metered-llm.js';
import type { NodeResult } from './types.js';

/** How an llm node's rows went, as counted while they were processed. */
export interface RowTally {
  pendingCount: number;
  /** Rows finished (answered, quarantined, skipped or failed). */
  done: number;
  /** Why sending stopped early (budget, authentication, abort), if it did. */
  stopReason: string | null;
  budgetStop: boolean;
  /** The first row that failed its gate under on_failure: fail. */
  failOnRow: string | null;
  /** Rows without an answer (provider errors after retries): retried next build. */
  failures: { key: string; error: Error }[];
  aborted: boolean;
  /** Stopped by Ctrl-C / SIGTERM (not --fail-fast): the rows in flight were finished and saved. */
  interrupted: boolean;
  /** Rows whose requests were cut off after the interrupt's deadline. */
  cutOff: number;
  /** Rows still in quarantine under on_failure: fail from earlier runs. */
  heldFailures: number;
  /** `quarantine retry`: the model's rows after the retry, loaded and still held back; null for a build. */
  retryBatch: { passing: number; failing: number } | null;
  evaluate: EvaluateBlock | null;
  scores: EvaluatorResult[][];
  llm: NodeLlmStats;
}

/**
 * Fills in an llm node's result from its tally: calls, tokens and cost by stage, per-evaluator statistics, and
 * the status with its reasons — error for a gate failure under on_failure: fail, an authentication failure or an
 * abort; partial for a budget stop, rows without an answer, a batch below batch_threshold, or (with no
 * batch_threshold) answered rows of which none passed.
 */
export function summarizeRun(result: NodeResult, node: ManifestNode, tally: RowTally): void {
  const stats = tally.llm;
  result.llm_calls = stats.requests;
  result.cache_hits = stats.cache_hits;
  result.tokens_in = stats.tokens_in;
  result.tokens_out = stats.tokens_out;
  result.cost_transform_usd = stats.cost.transform + stats.cost.repair;
  result.cost_evaluate_usd = stats.cost.evaluate;
  result.cost_usd = result.cost_transform_usd + result.cost_evaluate_usd;
  result.unpriced_models = [...stats.unpriced];
  const answered = result.rows_passed + result.rows_quarantined + result.rows_skipped;
  if (tally.evaluate && tally.evaluate.specs.length) {
    result.evaluation = { pass_rate: answered ? result.rows_passed / answered : 1, evaluators: summarizeScores(tally.scores) };
  }

  const messages: string[] = [];
  const unsent = tally.pendingCount - tally.done;
  if (tally.failOnRow) {
    result.status = 'error';
    messages.push(tally.failOnRow);
  } else if (tally.interrupted) {
    result.status = 'interrupted';
    messages.push(interruptedMessage(tally, answered));
  } else if (tally.stopReason) {
    // A budget stop keeps what was answered and ends partial (exit code 1); an auth failure or abort is an error.
    result.status = tally.budgetStop ? 'partial' : 'error';
    messages.push(unsent > 0 ? `${tally.stopReason}; ${unsent} row(s) not sent` : tally.stopReason);
  } else if (tally.aborted) {
    result.status = 'error';
    messages.push(`stopped before every row was sent: ${unsent} row(s) not sent`);
  }
  if (tally.failures.length) {
    const first = tally.failures[0];
    if (result.status === 'success') result.status = answered > 0 ? 'partial' : 'error';
    messages.push(`${tally.failures.length} row(s) got no answer (they are retried next build); first: row ${first.key}: ${first.error.message}`);
  }
  if (tally.heldFailures > 0) {
    result.status = 'error';
    messages.push(
      `${tally.heldFailures} row(s) failed the quality gate (on_failure: fail) and are still in quarantine; fix the prompt or the evaluators, or run \`loom quarantine retry ${node.name}\``,
    );
  }
  const threshold = tally.evaluate?.gate.batch_threshold;
  if (threshold !== undefined && tally.retryBatch) {
    const { passing, failing } = tally.retryBatch;
    const decision = batchDecision(passing, passing + failing, threshold);
    if (decision.partial) {
      if (result.status === 'success') result.status = 'partial';
      messages.push(
        `after this retry ${passing} of ${passing + failing} rows of ${node.name} pass its quality gate ` +
          `(${(decision.share! * 100).toFixed(1)}%), below its batch_threshold of ${(threshold * 100).toFixed(1)}%`,
      );
    }
  } else if (threshold !== undefined && answered > 0) {
    const decision = batchDecision(result.rows_passed, answered, threshold);
    if (decision.partial) {
      if (result.status === 'success') result.status = 'partial';
      messages.push(decision.message);
    }
  } else if (tally.retryBatch && answered > 0 && result.rows_passed === 0) {
    // A retry whose rows all fail again fixed nothing: exit 1, in words about the retry, not about the model.
    if (result.status === 'success') result.status = 'partial';
    messages.push(`the ${answered} retried row(s) failed the quality gate again and stay in quarantine: fix the prompt or the evaluators first`);
  } else if (answered > 0 && result.rows_passed === 0) {
    // Nothing loaded while every row was answered: without a batch_threshold of its own, CI must still notice.
    if (result.status === 'success') result.status = 'partial';
    messages.push(nothingPassedMessage(answered));
  }
  result.message = messages.length ? messages.join('; ') : null;
}

/** Every pending row in exactly one count, so they add up to the rows this build had to answer. */
function interruptedMessage(tally: RowTally, answered: number): string {
  const unsent = tally.pendingCount - tally.done;
  const failed = tally.done - answered - tally.cutOff;
  const parts = [`${answered} answered and saved`];
  if (tally.cutOff) parts.push(`${tally.cutOff} cut off in flight`);
  if (failed) parts.push(`${failed} without an answer`);
  parts.push(`${unsent} not sent`);
  const left = tally.pendingCount - answered;
  const next = left ? `; the next build sends the ${left} row(s) without an answer` : '';
  const why = tally.stopReason ? ` (${tally.stopReason})` : '';
  return `interrupted${why}: of ${tally.pendingCount} row(s) to answer, ${parts.join(', ')}${next}`;
}

function nothingPassedMessage(answered: number): string {
  const rows = answered === 1 ? 'the 1 answered row' : `all ${answered} answered rows`;
  return `${rows} failed (quarantined or skipped), none loaded: see \`loom quarantine list\`; to accept a run where nothing passes, set \`evaluate: { batch_threshold: 0 }\``;
}
