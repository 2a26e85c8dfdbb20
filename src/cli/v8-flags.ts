import { constants, PerformanceObserver, type NodeGCPerformanceDetail } from 'node:perf_hooks';
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
 * peaked at 26 MB (10,000-row build; 34 MB with the new space cap below, which promotes more). V8 reads the flag
 * at every full GC, so setting it late works. Not set for compile: its live heap grows to the end, and a small factor would mark it many more times.
 */
export const LOOM_RUN_V8_FLAGS = ['--heap-growing-percent=20'] as const;

/**
 * The young generation's cap, set at start-up: two semi-spaces of 4 MB, what `node --max-semi-space-size=4`
 * gives. Node's default lets them grow to 16 MB each, and both stay resident: 32 MB of a 10,000-row build's
 * ~210 MB peak. A build that waits on the network allocates slowly and little of what it allocates lives long, so
 * small semi-spaces scavenge as well: the 10,000-row build at 50 ms peaked 182-186 MB with the cap and the run-phase
 * flag above, against 203-215 MB with neither, taking 8.65-8.74 s against 8.53-8.60 s (4 interleaved pairs).
 * A build bound by CPU allocates fast (at zero latency about 350 MB/s, ~90 scavenges a second with the cap), where
 * the cap cost 25% (200,000 rows: 27.8-29.4 s against 23.0-23.5 s): more than `LIFT_ABOVE_SCAVENGES_PER_SECOND`
 * lifts it for the rest of the process (200,000 rows then: 22.6-22.8 s and 347-349 MB, against 21.8-23.0 s and
 * 389-412 MB with no flag of this file's). It is set at start-up because it only stops growth: applied after the
 * compile, it found new space already at 16 MB in some builds. A semi-space's maximum is fixed when the process
 * starts, but V8 reads `--semi-space-growth-factor` each time it grows new space: 1 keeps it at its size.
 */
export const NEW_SPACE_CAP_BYTES = 8 * 1024 * 1024;
/** Scavenges within one second that lift the cap: the 10,000-row build at 50 ms runs ~12 a second. */
export const LIFT_ABOVE_SCAVENGES_PER_SECOND = 40;
/** V8's own growth factor, restored when the cap is lifted. */
const DEFAULT_GROWTH_FACTOR = 2;

export function applyRunV8Flags(): void {
  for (const flag of LOOM_RUN_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * New space (both semi-spaces) stops growing once it has `bytes` committed, unless scavenges come faster than
 * `liftAbove` in one second: then it may grow again as V8 likes, for good.
 */
export function capNewSpace(bytes: number, liftAbove = LIFT_ABOVE_SCAVENGES_PER_SECOND): void {
  let capped = false;
  const cap = () => {
    if (capped || newSpaceBytes() < bytes) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    capped = true;
  };
  cap();
  const scavenges: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as unknown as { detail?: NodeGCPerformanceDetail }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(entry.startTime);
    }
    const last = scavenges[scavenges.length - 1] ?? 0;
    while (scavenges.length > 0 && scavenges[0] < last - 1000) scavenges.shift();
    if (scavenges.length > liftAbove) {
      setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
      observer.disconnect();
      return;
    }
    cap();
  });
  observer.observe({ entryTypes: ['gc'] });
}

function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
