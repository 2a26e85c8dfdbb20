/** A spending limit shared by concurrent calls: reserve an estimate before sending, settle the real cost after. */
import type { BudgetScope } from './service-types.js';

/** Slack for floating-point sums of many small costs. */
const EPSILON = 1e-9;

export class Budget implements BudgetScope {
  private spent = 0;
  private reserved = 0;

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

  settle(reserved_usd: number, actual_usd: number): void {
    this.reserved = Math.max(0, this.reserved - (reserved_usd > 0 ? reserved_usd : 0));
    if (actual_usd > 0) this.spent += actual_usd;
  }
}

export function createBudget(name: string, limit_usd: number | null): Budget {
  return new Budget(name, limit_usd);
}
