import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../src/llm/limiter.js';
import { LlmError } from '../../../src/llm/types.js';
import { FakeClock } from './fake-clock.js';

function track(limiter: Limiter, tokens = 0, signal?: AbortSignal) {
  const state = { done: false, error: null as unknown };
  limiter.acquire(tokens, signal).then(
    () => (state.done = true),
    (e) => (state.error = e),
  );
  return state;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Limiter', () => {
  it('caps concurrency and admits waiters in arrival order', async () => {
    const limiter = new Limiter({ concurrency: 2 });
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    const order: number[] = [];
    const waits = [1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i)));
    expect(limiter.waiting).toBe(3);
    limiter.release();
    await tick();
    expect(order).toEqual([1]);
    // A newcomer may not jump the queue even when a slot is free.
    limiter.release();
    expect(limiter.tryAcquire()).toBe(false);
    await tick();
    expect(order).toEqual([1, 2]);
    limiter.release();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
    expect(limiter.inFlight).toBe(2);
  });

  it('refills the requests-per-minute bucket continuously', async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ concurrency: 100, rpm: 60 }, clock);
    for (let i = 0; i < 60; i++) expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    const next = track(limiter);
    await clock.advance(500);
    expect(next.done).toBe(false);
    await clock.advance(500);
    expect(next.done).toBe(true);
    const after = track(limiter);
    await clock.advance(999);
    expect(after.done).toBe(false);
    await clock.advance(1);
    expect(after.done).toBe(true);
  });

  it('limits tokens per minute and lets an oversized request through once the bucket is full', async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ concurrency: 100, tpm: 6000 }, clock);
    expect(limiter.countsTokens).toBe(true);
    expect(limiter.tryAcquire(5000)).toBe(true);
    expect(limiter.tryAcquire(2000)).toBe(false);
    const big = track(limiter, 20_000); // more than the whole bucket
    await clock.advance(9_000); // 900 + 1000 = 1900 < 6000: not full yet
    expect(big.done).toBe(false);
    await clock.advance(50_000); // full again
    expect(big.done).toBe(true);
    // The oversized request left the bucket in debt: a small one waits for it to be repaid.
    const small = track(limiter, 100);
    await clock.advance(60_000);
    expect(small.done).toBe(false);
    await clock.advance(81_000);
    expect(small.done).toBe(true);
  });

  it('rejects a waiter whose signal aborts, and serves the next one', async () => {
    const limiter = new Limiter({ concurrency: 1 });
    limiter.tryAcquire();
    const controller = new AbortController();
    const first = track(limiter, 0, controller.signal);
    const second = track(limiter);
    controller.abort();
    await tick();
    expect(first.error).toBeInstanceOf(LlmError);
    expect((first.error as LlmError).kind).toBe('aborted');
    limiter.release();
    await tick();
    expect(second.done).toBe(true);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new Limiter({ concurrency: 0 })).toThrow(/at least 1/);
  });
});
