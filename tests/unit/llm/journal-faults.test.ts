import { mkdtempSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/diagnostics/diagnostic.js';
import { CacheLookup } from '../../../src/llm/cache-lookup.js';
import { Journal, replayJournals, type JournalWriter } from '../../../src/llm/journal.js';
import type { CacheEntry, CacheStore, CallRecorder } from '../../../src/llm/service-types.js';
import type { CallRecord } from '../../../src/llm/types.js';
import { WriteBuffer } from '../../../src/llm/write-buffer.js';

const entry = (i: number): CacheEntry => ({
  cache_key: `key-${i}`,
  kind: 'completion',
  provider: 'openai',
  model: 'gpt-4o-mini',
  response: { content: `answer ${i} ${'x'.repeat(100)}` } as never,
  created_at: '2026-12-07T00:00:00.000Z',
});

/** A disk that takes at most `chunk` bytes per write; after `capacity` bytes, a write fails with ENOSPC. */
function faultyDisk(chunk: number, capacity = Infinity): JournalWriter & { calls: number } {
  let used = 0;
  const write = ((fd: number, bytes: Uint8Array, offset: number, length: number) => {
    write.calls++;
    const room = Math.min(chunk, length, capacity - used);
    if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    used += room;
    return writeSync(fd, bytes, offset, room);
  }) as JournalWriter & { calls: number };
  write.calls = 0;
  return write;
}

const memoryStores = () => {
  const cached = new Map<string, CacheEntry>();
  const recorded: CallRecord[] = [];
  const cache: CacheStore = {
    getMany: async (keys) => new Map(keys.filter((k) => cached.has(k)).map((k) => [k, cached.get(k)!])),
    putMany: async (entries) => void entries.forEach((e) => cached.set(e.cache_key, e)),
  } as CacheStore;
  const recorder: CallRecorder = { recordMany: async (records) => void recorded.push(...records) } as CallRecorder;
  return { cache, recorder, cached, recorded };
};

describe('the crash journal on a disk that fails', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loom-journal-faults-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('retries short writes until every byte of every line is written', () => {
    const disk = faultyDisk(7);
    const journal = new Journal(dir, 'run', disk);
    for (let i = 0; i < 5; i++) journal.append(entry(i), []);
    journal.sync();
    const file = journal.rotate()!;
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { entry: CacheEntry }).entry.cache_key)).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
    expect(disk.calls).toBeGreaterThan(5);
  });

  it('a full disk is a user error naming the file; nothing is written after the torn line; replay skips it', async () => {
    const journal = new Journal(dir, 'run', faultyDisk(1 << 20, 300));
    journal.append(entry(0), []);
    journal.sync();
    journal.append(entry(1), []);
    journal.append(entry(2), []);
    let thrown: unknown;
    try {
      journal.sync();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UserError);
    const [diagnostic] = (thrown as UserError).diagnostics;
    expect(diagnostic.code).toBe('LOOM210');
    expect(diagnostic.message).toMatch(/^cannot write the crash journal, .*: no space left on .*run\.\d+-\d+\.0\.ndjson \(ENOSPC\)$/);
    journal.append(entry(3), []);
    expect(() => journal.sync()).toThrow(UserError);
    const file = journal.rotate()!;
    expect(readFileSync(file, 'utf8').length).toBe(300);

    const { cache, recorder, cached } = memoryStores();
    const result = await replayJournals(dir, cache, recorder);
    expect([...cached.keys()]).toEqual(['key-0']);
    expect(result.skipped_lines).toBe(1);
    expect(result.skipped_files).toEqual([file]);
  });

  it('the write buffer reports a failed journal write to onError (the build stops on it)', async () => {
    const { cache, recorder } = memoryStores();
    const errors: unknown[] = [];
    const buffer = new WriteBuffer({
      cache,
      recorder,
      lookup: new CacheLookup(cache),
      journalDir: dir,
      flushEvery: 1000,
      flushIntervalMs: 60_000,
      onError: (e) => errors.push(e),
      journalWrite: faultyDisk(1 << 20, 50),
    });
    await buffer.addAnswer('run', entry(0), []);
    expect(errors).toHaveLength(1);
    expect((errors[0] as UserError).diagnostics[0].message).toContain('no space left on');
  });

  it('with a journal sink, the answers a failed write left out of the file still reach the store', async () => {
    const { cache, recorder, cached } = memoryStores();
    const ingested: string[] = [];
    // A sink that loads a segment's readable lines, as the warehouse's does (torn lines skipped).
    const sink = {
      ingest: async (paths: string[]) => {
        for (const p of paths) {
          ingested.push(p);
          for (const line of readFileSync(p, 'utf8').split('\n')) {
            try {
              const parsed = JSON.parse(line) as { entry?: CacheEntry };
              if (parsed.entry) cached.set(parsed.entry.cache_key, parsed.entry);
            } catch {
              // torn
            }
          }
        }
      },
      loadedSegments: async () => new Set<string>(),
      forgetSegmentsExcept: async () => undefined,
    };
    const errors: unknown[] = [];
    const buffer = new WriteBuffer({
      cache,
      recorder,
      lookup: new CacheLookup(cache),
      journalDir: dir,
      journalSink: sink,
      flushEvery: 1000,
      flushIntervalMs: 60_000,
      onError: (e) => errors.push(e),
      journalWrite: faultyDisk(1 << 20, 400),
    });
    await buffer.addAnswer('run', entry(0), []);
    await Promise.all([buffer.addAnswer('run', entry(1), []), buffer.addAnswer('run', entry(2), []), buffer.addAnswer('run', entry(3), [])]);
    await buffer.addAnswer('run', entry(4), []);
    expect(errors.length).toBeGreaterThan(0);
    await buffer.flush();
    expect(ingested).toHaveLength(1);
    expect([...cached.keys()].sort()).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
  });
});
