import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOOM_RUN_V8_FLAGS, LOOM_V8_FLAGS, NEW_SPACE_CAP_BYTES } from '../../../src/cli/v8-flags.js';

const FLAGS_MODULE = fileURLToPath(new URL('../../../dist/cli/v8-flags.js', import.meta.url));

describe('the V8 flags the CLI sets for itself', () => {
  it.each([
    ['applyV8Flags', LOOM_V8_FLAGS, '--liftoff-only'],
    ['applyRunV8Flags', LOOM_RUN_V8_FLAGS, '--heap-growing-percent=20'],
  ] as const)('are all known to this Node (%s): V8 prints "unrecognized flag" and ignores one it does not know', (apply, flags, expected) => {
    const script = `import(${JSON.stringify(FLAGS_MODULE)}).then((m) => { m.${apply}(); console.log('applied'); })`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('applied');
    expect(flags).toContain(expected);
  });

  it('leave WebAssembly working: a module compiled afterwards still runs', () => {
    // The smallest module exporting add(a, b): what undici's llhttp relies on, at its simplest.
    const bytes = [0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11];
    const script = `import(${JSON.stringify(FLAGS_MODULE)}).then(async (m) => { m.applyV8Flags(); const { instance } = await WebAssembly.instantiate(new Uint8Array(${JSON.stringify(bytes)})); console.log(instance.exports.add(2, 3)); })`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('5');
  });

  // Allocation churn with survivors (a ring of 50,000 live objects), as a build's rows in flight: 'paced' allocates
  // ~2,000 objects every 5 ms for 2 s, as a build waiting on answers; 'fast' allocates 4 million in a tight loop,
  // as a build bound by CPU. Either grows an uncapped new space to Node's maximum of 32 MB. Returns the largest
  // new space seen, in MB.
  const newSpacePeak = (pace: 'paced' | 'fast', cap: boolean) => {
    const script = `
      const v8 = await import('node:v8');
      const m = await import(${JSON.stringify(FLAGS_MODULE)});
      if (${cap}) m.applyV8Flags();
      const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      const ring = new Array(50000);
      let peak = 0;
      let i = 0;
      if (${JSON.stringify(pace)} === 'paced') {
        for (const started = performance.now(); performance.now() - started < 2000; ) {
          for (let j = 0; j < 2000; j++, i++) ring[i % ring.length] = { i, text: 'row ' + i };
          await new Promise((resolve) => setTimeout(resolve, 5));
          peak = Math.max(peak, newSpace());
        }
      } else {
        for (; i < 4e6; i++) {
          ring[i % ring.length] = { i, text: 'row ' + i };
          if (i % 20000 === 0) {
            await new Promise((resolve) => setImmediate(resolve));
            peak = Math.max(peak, newSpace());
          }
        }
      }
      console.log(peak / 1048576);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return Number(run.stdout.trim());
  };

  it('cap new space at 8 MB while allocation is paced, where Node would let it grow to 32 MB', () => {
    expect(newSpacePeak('paced', false)).toBe(32);
    expect(newSpacePeak('paced', true)).toBeLessThanOrEqual(NEW_SPACE_CAP_BYTES / 1048576);
  });

  it('lift the cap when scavenges come faster than the limit: a CPU-bound build gets Node\'s young generation', () => {
    expect(newSpacePeak('fast', true)).toBe(32);
  });
});
