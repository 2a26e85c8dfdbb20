import type { LimiterClock } from '../../../src/llm/limiter.js';

/** A limiter clock that only moves when a test calls advance(), firing due timers in order. */
export class FakeClock implements LimiterClock {
  t = 0;
  timers: Array<{ at: number; fn: () => void }> = [];
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimer = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t !== handle);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await Promise.resolve();
    }
    this.t = end;
    await Promise.resolve();
  }
}
