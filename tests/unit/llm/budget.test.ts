import { describe, expect, it } from 'vitest';
import { Budget } from '../../../src/llm/budget.js';

describe('Budget', () => {
  it('reserves up to the limit and refuses beyond it, counting reservations', () => {
    const b = new Budget('run', 1);
    expect(b.tryReserve(0.6)).toBe(true);
    expect(b.tryReserve(0.5)).toBe(false);
    expect(b.reserved_usd).toBeCloseTo(0.6);
    expect(b.tryReserve(0.4)).toBe(true);
    expect(b.remaining_usd).toBeCloseTo(0);
  });

  it('settles a reservation with the actual cost', () => {
    const b = new Budget('node', 1);
    b.tryReserve(0.6);
    b.settle(0.6, 0.2);
    expect(b.spent_usd).toBeCloseTo(0.2);
    expect(b.reserved_usd).toBe(0);
    expect(b.tryReserve(0.8)).toBe(true);
    expect(b.tryReserve(0.01)).toBe(false);
  });

  it('never refuses without a limit but still counts spending', () => {
    const b = new Budget('run', null);
    expect(b.tryReserve(1e9)).toBe(true);
    b.settle(1e9, 3.5);
    expect(b.spent_usd).toBe(3.5);
    expect(b.remaining_usd).toBeNull();
  });

  it('tolerates float dust at the limit, and rejects a bad limit', () => {
    const b = new Budget('x', 0.3);
    b.tryReserve(0.1);
    b.tryReserve(0.2);
    b.settle(0.1, 0.1);
    b.settle(0.2, 0.2);
    expect(b.tryReserve(0)).toBe(true);
    expect(() => new Budget('bad', -1)).toThrow(/non-negative/);
    expect(() => new Budget('bad', Number.NaN)).toThrow(/non-negative/);
  });
});
