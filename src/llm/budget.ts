/**
 * A spending limit shared by concurrent calls: reserve an estimate before sending, settle the real cost after.
 * A call that does not fit only because of other calls' reservations waits for them to settle (their estimates are
 * guesses, usually far above the real cost); only what was really spent refuses a call.
 */
import type { BudgetScope } from './service-types.js';
import { LlmError } from './types.js';

/** Slack for floating-point sums of many small costs. */
const EPSILON = 1e-9;

export class Budget implements BudgetScope {
  private spent = 0;
  private reserved = 0;
  private waiters: (() => void)[] = [];

  /** `limit_usd` null = no limit: never refuses, still counts. */
  constructor(
    readonly name: string,
    readonly limit_usd: number | null,
  ) {
    if (limit_usd !== null && !(limit_usd >= 0)) throw new Error(`Budget "${name}": limit must be a non-negative number, got ${limit_usd}`);
  }

  get spent_usd(): number {
    return this.spent;
  }

  get reserved_usd(): number {
    return this.reserved;
  }

  /** What may still be reserved, or null without a limit. */
  get remaining_usd(): number | null {
    return this.limit_usd === null ? null : Math.max(0, this.limit_usd - this.spent - this.reserved);
  }

  tryReserve(estimate_usd: number): boolean {
    const estimate = estimate_usd > 0 ? estimate_usd : 0;
    if (this.limit_usd !== null && this.spent + this.reserved + estimate > this.limit_usd + EPSILON) return false;
    this.reserved += estimate;
    return true;
  }

  /** True when `estimate_usd` does not fit even once every reservation has settled at no cost. */
  exhaustedFor(estimate_usd: number): boolean {
    return this.limit_usd !== null && (this.reserved <= EPSILON || this.spent + Math.max(0, estimate_usd) > this.limit_usd + EPSILON);
  }

  /** Resolves at the next settle (a reservation replaced by what its call cost). */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  settle(reserved_usd: number, actual_usd: number): void {
    this.reserved -= reserved_usd > 0 ? reserved_usd : 0;
    // Float dust left by many reservations must not look like a call in flight.
    if (this.reserved < EPSILON) this.reserved = 0;
    if (actual_usd > 0) this.spent += actual_usd;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The refusal of a call: what is spent, what other calls hold reserved, and what this one was estimated at. */
export function budgetExceeded(budget: BudgetScope, estimate_usd: number, tokens: { input: number; output: number }): LlmError {
  const reserved = budget.reserved_usd ?? 0;
  return new LlmError(
    'budget',
    `Budget "${budget.name}" would be exceeded: $${budget.spent_usd.toFixed(4)} spent of $${(budget.limit_usd ?? 0).toFixed(4)}` +
      `${reserved > 0 ? ` (plus $${reserved.toFixed(4)} reserved by calls in flight)` : ''}, ` +
      `and this call is estimated at $${estimate_usd.toFixed(6)} (${tokens.input} input + ${tokens.output} output tokens).`,
  );
}

/**
 * Output tokens to reserve for a node's next call to a model: the most any of its answers used so far (answers of one
 * prompt are alike in size), or `fallback` before its first answer.
 */
export class OutputTokenEstimate {
  private readonly max = new Map<string, number>();

  observe(nodeId: string, model: string, outputTokens: number): void {
    const key = `${nodeId}\0${model}`;
    if (outputTokens > (this.max.get(key) ?? -1)) this.max.set(key, outputTokens);
  }

  estimate(nodeId: string, model: string, fallback: number): number {
    return this.max.get(`${nodeId}\0${model}`) ?? fallback;
  }
}

export function createBudget(name: string, limit_usd: number | null): Budget {
  return new Budget(name, limit_usd);
}
