/**
 * Retries with exponential backoff and full jitter. Only `LlmError.retryable` kinds are retried (anything
 * thrown that is not an LlmError is a bug and is not); a server-given retry-after is a floor on the wait.
 * Every attempt, good or bad, is reported.
 */
import { LlmError } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  max_retries: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
}

export interface AttemptReport {
  /** 1-based. */
  attempt: number;
  /** 'success' or the LlmErrorKind. */
  status: string;
  http_status: number | null;
  /** Epoch ms when the attempt started. */
  started_at: number;
  latency_ms: number;
  error: LlmError | null;
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  onAttempt?: (report: AttemptReport) => void;
  /** Stop retrying (and stop waiting) once this aborts. */
  signal?: AbortSignal;
  /** Runs before each attempt, outside its latency (e.g. waiting for a rate-limiter slot). */
  beforeAttempt?: () => Promise<void> | void;
}

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** Full jitter: uniform in [0, min(cap, base·2^retry)], but never less than what the server asked for. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.backoff_max_ms, policy.backoff_base_ms * 2 ** retry);
  const jittered = random() * Math.max(0, ceiling);
  return retryAfterMs !== undefined && retryAfterMs > jittered ? retryAfterMs : jittered;
}

function asLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError('invalid_response', message, { cause: err });
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or `max_retries` retries are spent;
 * then throws the last LlmError. `attempt` receives the 1-based attempt number.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const random = hooks.random ?? Math.random;
  const now = hooks.now ?? Date.now;
  const total = 1 + Math.max(0, Math.floor(policy.max_retries));
  for (let n = 1; ; n++) {
    if (hooks.beforeAttempt) {
      const ready = hooks.beforeAttempt();
      if (ready) await ready;
    }
    const started = now();
    try {
      const value = await attempt(n);
      hooks.onAttempt?.({ attempt: n, status: 'success', http_status: 200, started_at: started, latency_ms: now() - started, error: null });
      return value;
    } catch (err) {
      const error = asLlmError(err);
      // Anything that is not an LlmError is a bug on our side: report it, never retry it.
      const retryable = err instanceof LlmError && error.retryable;
      hooks.onAttempt?.({
        attempt: n,
        status: error.kind,
        http_status: error.status ?? null,
        started_at: started,
        latency_ms: now() - started,
        error,
      });
      if (!retryable || n >= total) throw error;
      if (hooks.signal?.aborted) throw new LlmError('aborted', 'The build is stopping.', { cause: error });
      await sleep(backoffDelayMs(n - 1, policy, random, error.retryAfterMs));
      if (hooks.signal?.aborted) throw new LlmError('aborted', 'The build is stopping.', { cause: error });
    }
  }
}
