import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the `loom` process sets for itself, before any WebAssembly is compiled.
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
}
