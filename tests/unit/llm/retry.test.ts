import { describe, expect, it, vi } from 'vitest';
import { type AttemptReport, backoffDelayMs, withRetry } from '../../../src/llm/retry.js';
import { LlmError } from '../../../src/llm/types.js';

const policy = { max_retries: 3, backoff_base_ms: 100, backoff_max_ms: 1000 };

function script(errors: Array<LlmError | null>) {
  let n = 0;
  return async () => {
    const e = errors[n++];
    if (e) throw e;
    return `ok after ${n}`;
  };
}

describe('backoffDelayMs', () => {
  it('uses full jitter below base·2^retry, capped at backoff_max_ms', () => {
    expect(backoffDelayMs(0, policy, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBeCloseTo(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('waits at least what the server asked for', () => {
    expect(backoffDelayMs(0, policy, () => 0.5, 5_000)).toBe(5_000);
    expect(backoffDelayMs(3, policy, () => 0.9, 10)).toBe(720);
  });
});

describe('withRetry', () => {
  it('retries retryable kinds with the computed waits and reports every attempt', async () => {
    const waits: number[] = [];
    const reports: AttemptReport[] = [];
    let clock = 1000;
    const result = await withRetry(
      script([new LlmError('server', 'boom', { status: 500 }), new LlmError('rate_limit', 'slow down', { status: 429, retryAfterMs: 700 }), null]),
      policy,
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5,
        now: () => (clock += 5),
        onAttempt: (r) => reports.push(r),
      },
    );
    expect(result).toBe('ok after 3');
    expect(waits).toEqual([50, 700]);
    expect(reports.map((r) => [r.attempt, r.status, r.http_status, r.latency_ms])).toEqual([
      [1, 'server', 500, 5],
      [2, 'rate_limit', 429, 5],
      [3, 'success', 200, 5],
    ]);
  });

  it('throws the last error after max_retries retries', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new LlmError('timeout', `timeout #${calls}`);
      },
      policy,
      { sleep: async () => undefined },
    ).catch((e) => e);
    expect(calls).toBe(4);
    expect((err as LlmError).message).toBe('timeout #4');
  });

  it.each(['rate_limit', 'server', 'timeout', 'connection', 'invalid_response'] as const)('retries %s', async (kind) => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw new LlmError(kind, kind);
        return 'ok';
      },
      policy,
      { sleep: async () => undefined },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it.each(['auth', 'bad_request', 'budget', 'aborted'] as const)('does not retry %s', async (kind) => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new LlmError(kind, kind);
      },
      policy,
      { sleep: async () => undefined },
    ).catch((e) => e);
    expect(calls).toBe(1);
    expect((err as LlmError).kind).toBe(kind);
  });

  it('wraps unexpected errors (bugs) as invalid_response and does not retry them', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TypeError('undefined is not a function');
      },
      policy,
      { sleep: async () => undefined },
    ).catch((e) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('invalid_response');
  });

  it('stops waiting to retry once the build is aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new LlmError('server', 'boom');
      },
      policy,
      {
        sleep: async () => {
          controller.abort();
        },
        signal: controller.signal,
      },
    ).catch((e) => e);
    expect(calls).toBe(1);
    expect((err as LlmError).kind).toBe('aborted');
  });

  it('runs beforeAttempt (e.g. waiting for the limiter) outside the attempt latency', async () => {
    let clock = 0;
    const reports: AttemptReport[] = [];
    await withRetry(
      async () => {
        clock += 7;
        return 'ok';
      },
      policy,
      {
        now: () => clock,
        beforeAttempt: async () => {
          clock += 1000;
        },
        onAttempt: (r) => reports.push(r),
      },
    );
    expect(reports[0]).toMatchObject({ started_at: 1000, latency_ms: 7 });
  });

  it('really sleeps with the default sleep', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const retried = withRetry(script([new LlmError('connection', 'x', { retryAfterMs: 40 }), null]), { max_retries: 1, backoff_base_ms: 0, backoff_max_ms: 0 }).then(
        () => (done = true),
      );
      await vi.advanceTimersByTimeAsync(39);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await retried;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
