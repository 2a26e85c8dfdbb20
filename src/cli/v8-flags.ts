import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * V8 flags the `loom` process sets for itself, before any WebAssembly is compiled (and the new space cap below).
 *
 * `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly. V8 compiles it at once with its
 * baseline compiler (Liftoff), then recompiles the hot parser functions with TurboFan on background threads;
 * that recompilation takes ~38 MB of native memory for a moment (heaptrack), and the C allocator keeps most of
 * it. The Liftoff code is not slower at parsing an answer's headers: a bare undici client used 77-91 µs of CPU
 * per request with it and 84-95 without, and the 10,000-row build peaked 241-247 MB instead of 259-276.
 */
export const LOOM_V8_FLAGS = ['--liftoff-only'] as const;

export function applyV8Flags(): void {
  for (const flag of LOOM_V8_FLAGS) setFlagsFromString(flag);
  capNewSpace(NEW_SPACE_CAP_BYTES);
}

/**
 * V8 flags for the run phase of `loom build` and `loom run`, set once the project is compiled.
 *
 * `--heap-growing-percent=20`: after a full GC, V8 lets the old generation grow to max(live x 1.2, live + 8 MB)
 * before the next one, instead of a factor of up to 4 that it picks when the main thread is busy. A build's live
 * heap is small and flat (19 MB at 10,000 rows), but rows that wait on an answer survive two scavenges and die in
 * old space; with the default factor that garbage grew old space to 42 MB before the next full GC, with 20 it
 * stays near 26-30 MB (peak space sizes, 10,000-row build). V8 reads the flag at every full GC, so setting it late
 * works. Not set for compile: its live heap grows to the end, and a small factor would mark it many more times.
 */
export const LOOM_RUN_V8_FLAGS = ['--heap-growing-percent=20'] as const;

/**
 * The young generation's cap, set at start-up: two semi-spaces of 4 MB, what `node --max-semi-space-size=4`
 * gives. Node's default lets them grow to 16 MB each, and both stay resident: 32 MB of a 10,000-row build's
 * ~210 MB peak. A build allocates at a steady rate and little of it lives long, so small semi-spaces scavenge as
 * well: the 10,000-row build peaked 181-188 MB in 6 runs with this cap, 193-196 MB with 16 MB, in the same time;
 * 200,000 rows at zero latency took 25.1-25.3 s against 25.4-26.2 s; a cold compile of 10,000 models 1.19-1.37 s
 * against 1.28-1.33 s. It is set at start-up because it only stops growth: applied once the project was compiled,
 * it found new space already at 16 MB in some builds (203-206 MB peaks). A semi-space's maximum is fixed when the
 * process starts, but V8 reads `--semi-space-growth-factor` each time it grows new space, and a factor of 1 keeps
 * it at its size.
 */
export const NEW_SPACE_CAP_BYTES = 8 * 1024 * 1024;

export function applyRunV8Flags(): void {
  for (const flag of LOOM_RUN_V8_FLAGS) setFlagsFromString(flag);
}

/** New space (both semi-spaces) stops growing once it has `bytes` committed: now, or after the GC that gets it there. */
export function capNewSpace(bytes: number): void {
  const stopGrowth = () => setFlagsFromString('--semi-space-growth-factor=1');
  if (newSpaceBytes() >= bytes) return stopGrowth();
  const observer = new PerformanceObserver(() => {
    if (newSpaceBytes() < bytes) return;
    stopGrowth();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
