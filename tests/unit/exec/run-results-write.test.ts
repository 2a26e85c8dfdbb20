import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/diagnostics/diagnostic.js';

/** A disk that fills up: while `full` is set, every write of more than 10 bytes writes 10 and then fails. */
const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const writeSync = ((fd: number, data: Uint8Array, ...rest: number[]) => {
    if (!disk.full) return (fs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    const offset = rest[0] ?? 0;
    const length = Math.min(rest[1] ?? data.length - offset, 10);
    if (length < 10) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return fs.writeSync(fd, data, offset, length);
  }) as typeof fs.writeSync;
  const writeFileSync = ((path: unknown, data: unknown, ...rest: unknown[]) => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return (fs.writeFileSync as (...a: unknown[]) => void)(path, data, ...rest);
  }) as typeof fs.writeFileSync;
  return { ...fs, default: { ...fs, writeSync, writeFileSync }, writeSync, writeFileSync };
});

const { writeRunResults } = await import('../../../src/exec/run-results.js');

describe('writing target/run_results.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-run-results-'));
  });
  afterEach(() => {
    disk.full = false;
    rmSync(dir, { recursive: true, force: true });
  });
  const results = (status: string) => ({ status, results: [], padding: 'x'.repeat(200) }) as never;

  it('on a full disk: a user error naming the file, the previous file intact, no temporary file left', () => {
    writeRunResults(dir, 'target', results('success'));
    const before = readFileSync(join(dir, 'target', 'run_results.json'), 'utf8');
    disk.full = true;
    let thrown: unknown;
    try {
      writeRunResults(dir, 'target', results('error'));
    } catch (e) {
      thrown = e;
    }
    disk.full = false;
    expect(thrown).toBeInstanceOf(UserError);
    const [diagnostic] = (thrown as UserError).diagnostics;
    expect(diagnostic.code).toBe('LOOM004');
    expect(diagnostic.message).toBe(`cannot write target/run_results.json: no space left on ${join(dir, 'target', 'run_results.json')} (ENOSPC)`);
    expect(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'target'))).toEqual(['run_results.json']);
  });

  it('an error that is not the disk stays an internal error', () => {
    writeFileSync(join(dir, 'target'), 'a file where the folder should be');
    expect(() => writeRunResults(dir, 'target', results('success'))).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });
});
