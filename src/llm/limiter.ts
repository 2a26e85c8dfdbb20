/**
 * Per-provider admission: at most `concurrency` requests in flight, and optional requests-per-minute and
 * tokens-per-minute token buckets that refill continuously. Waiters are served strictly in arrival order.
 * With no rpm/tpm set, `tryAcquire` is a couple of comparisons (the hot path at thousands of calls/s).
 */
import { LlmError } from './types.js';

export interface LimiterSettings {
  concurrency: number;
  rpm?: number;
  tpm?: number;
}

export interface LimiterClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const realClock: LimiterClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A bucket of `capacity` units refilling at capacity per minute. */
class TokenBucket {
  private level: number;
  private last: number;
  private readonly perMs: number;

  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.last = now;
    this.perMs = capacity / 60_000;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.level = Math.min(this.capacity, this.level + (now - this.last) * this.perMs);
      this.last = now;
    }
  }

  /** Ms until `amount` can be taken (0 = now). More than the whole bucket may go once the bucket is full. */
  waitMs(amount: number, now: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity) - this.level;
    return need <= 1e-9 ? 0 : need / this.perMs;
  }

  /** May leave the bucket in debt (an oversized request), which later requests then wait out. */
  take(amount: number): void {
    this.level -= amount;
  }
}

interface Waiter {
  tokens: number;
  resolve(): void;
  reject(error: Error): void;
  cancelled: boolean;
}

export class Limiter {
  private inFlightCount = 0;
  private readonly concurrency: number;
  private readonly rpm: TokenBucket | null;
  private readonly tpm: TokenBucket | null;
  private queue: Waiter[] = [];
  private head = 0;
  private timer: unknown = null;
  private readonly clock: LimiterClock;

  constructor(settings: LimiterSettings, clock: LimiterClock = realClock) {
    if (!(settings.concurrency >= 1)) throw new Error(`concurrency must be at least 1, got ${settings.concurrency}`);
    this.clock = clock;
    this.concurrency = Math.floor(settings.concurrency);
    const now = clock.now();
    this.rpm = settings.rpm !== undefined && settings.rpm > 0 ? new TokenBucket(settings.rpm, now) : null;
    this.tpm = settings.tpm !== undefined && settings.tpm > 0 ? new TokenBucket(settings.tpm, now) : null;
  }

  /** True when a tokens-per-minute limit is set (callers then need token estimates). */
  get countsTokens(): boolean {
    return this.tpm !== null;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Takes a slot now if one is free and nobody is waiting ahead; otherwise false and nothing taken. */
  tryAcquire(tokens = 0): boolean {
    if (this.head !== this.queue.length || this.inFlightCount >= this.concurrency) return false;
    if (this.rpm !== null || this.tpm !== null) {
      if (this.waitMs(tokens, this.clock.now()) > 0) return false;
      this.take(tokens);
    }
    this.inFlightCount++;
    return true;
  }

  /** Resolves when the request may be sent; call `release()` when it is done. */
  acquire(tokens = 0, signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire(tokens)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new LlmError('aborted', 'The build is stopping.'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject, cancelled: false };
      this.queue.push(waiter);
      if (signal) {
        const onAbort = () => {
          if (waiter.cancelled) return;
          waiter.cancelled = true;
          reject(new LlmError('aborted', 'The build is stopping.'));
          this.drain();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      this.drain();
    });
  }

  release(): void {
    if (this.inFlightCount > 0) this.inFlightCount--;
    if (this.head !== this.queue.length) this.drain();
  }

  private waitMs(tokens: number, now: number): number {
    let wait = 0;
    if (this.rpm) wait = this.rpm.waitMs(1, now);
    if (this.tpm) wait = Math.max(wait, this.tpm.waitMs(tokens, now));
    return wait;
  }

  private take(tokens: number): void {
    this.rpm?.take(1);
    this.tpm?.take(tokens);
  }

  private drain(): void {
    while (this.head < this.queue.length) {
      const waiter = this.queue[this.head]!;
      if (waiter.cancelled) {
        this.shift();
        continue;
      }
      if (this.inFlightCount >= this.concurrency) return;
      if (this.rpm !== null || this.tpm !== null) {
        const wait = this.waitMs(waiter.tokens, this.clock.now());
        if (wait > 0) {
          this.schedule(wait);
          return;
        }
        this.take(waiter.tokens);
      }
      this.shift();
      this.inFlightCount++;
      waiter.cancelled = true;
      waiter.resolve();
    }
  }

  private shift(): void {
    this.queue[this.head] = undefined as unknown as Waiter;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(ms: number): void {
    if (this.timer !== null) return;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.drain();
    }, Math.max(1, Math.ceil(ms)));
  }
}
