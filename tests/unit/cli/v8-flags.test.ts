import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOOM_V8_FLAGS } from '../../../src/cli/v8-flags.js';

const FLAGS_MODULE = fileURLToPath(new URL('../../../dist/cli/v8-flags.js', import.meta.url));

describe('the V8 flags the CLI sets for itself', () => {
  it('are all known to this Node: V8 prints "unrecognized flag" and ignores one it does not know', () => {
    const script = `import(${JSON.stringify(FLAGS_MODULE)}).then((m) => { m.applyV8Flags(); console.log('applied'); })`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('applied');
    expect(LOOM_V8_FLAGS).toContain('--liftoff-only');
  });

  it('leave WebAssembly working: a module compiled afterwards still runs', () => {
    // The smallest module exporting add(a, b): what undici's llhttp relies on, at its simplest.
    const bytes = [0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11];
    const script = `import(${JSON.stringify(FLAGS_MODULE)}).then(async (m) => { m.applyV8Flags(); const { instance } = await WebAssembly.instantiate(new Uint8Array(${JSON.stringify(bytes)})); console.log(instance.exports.add(2, 3)); })`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('5');
  });
});
