/**
 * The crash journal: every answer that came over the network (and the call records that paid for it) is
 * appended to an NDJSON file with a synchronous write before the caller sees it, so `kill -9` never loses
 * an answer already paid for. Lines are queued with `append` and written with one `writeSync` per
 * `sync()`; the service syncs once per event-loop turn and hands answers back only after that.
 * Segments are deleted once the stores hold their contents; leftovers are loaded into the stores by
 * `replayJournals` at the start of the next build.
 *
 * A write that fails (a full disk) throws a UserError naming the file and leaves the journal broken: nothing more
 * is appended after a torn line, and replay skips a torn last line.
 *
 * Files: `<dir>/<run_id>.<pid>-<instance>.<segment>.ndjson` (several services or processes never share one).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { asDiskError } from '../diagnostics/disk-error.js';
import type { CacheEntry, CacheStore, CallRecorder, JournalSink } from './service-types.js';
import type { CallRecord } from './types.js';

export interface JournalLine {
  entry?: CacheEntry;
  records?: CallRecord[];
}

let instances = 0;

/** Writes bytes to a file descriptor, returning how many it wrote (fs.writeSync; tests inject faults). */
export type JournalWriter = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

/** The error code of a journal that cannot be written. */
export const JOURNAL_WRITE_CODE = 'LOOM210';

export class Journal {
  private fd: number | null = null;
  private segment = 0;
  private queued = '';
  private readonly stem: string;
  /** The first write that failed: every later sync() throws it again instead of writing after a torn line. */
  private failure: unknown = null;
  /** The lines that failed write did not complete (the torn one and the rest), for takeUnwritten(). */
  private unwritten = '';

  constructor(
    private readonly dir: string,
    runId: string,
    private readonly write: JournalWriter = writeSync,
  ) {
    this.stem = `${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}.${process.pid}-${++instances}`;
  }

  private currentPath(): string {
    return path.join(this.dir, `${this.stem}.${this.segment}.ndjson`);
  }

  /** Queues one line; it reaches the file at the next `sync()`. */
  append(entry: CacheEntry | null, records: readonly CallRecord[]): void {
    const line: JournalLine = records.length > 0 ? { records: records as CallRecord[] } : {};
    if (entry) line.entry = entry;
    this.queued += JSON.stringify(line) + '\n';
  }

  /**
   * Writes every queued line (in the OS, safe from kill -9, when this returns), retrying a short write until all
   * of it is written. A failed write throws (a UserError for a full or read-only disk) and breaks the journal.
   */
  sync(): void {
    if (this.failure) {
      this.unwritten += this.queued;
      this.queued = '';
      throw this.failure;
    }
    if (this.queued === '') return;
    const file = this.currentPath();
    try {
      if (this.fd === null) {
        mkdirSync(this.dir, { recursive: true });
        this.fd = openSync(file, 'a');
      }
      const bytes = Buffer.from(this.queued);
      let at = 0;
      try {
        while (at < bytes.length) at += this.write(this.fd, bytes, at, bytes.length - at);
      } catch (e) {
        this.unwritten = bytes.subarray(at > 0 ? bytes.lastIndexOf(0x0a, at - 1) + 1 : 0).toString();
        throw e;
      }
      this.queued = '';
    } catch (e) {
      if (!this.unwritten) this.unwritten = this.queued;
      this.queued = '';
      this.failure = asDiskError(e, file, JOURNAL_WRITE_CODE, 'cannot write the crash journal, so answers paid for could be lost: the build stops');
      throw this.failure;
    }
  }

  /**
   * The lines a failed write did not complete (they are not in the file, or torn there), once: the caller keeps
   * their answers some other way. Empty while the journal works.
   */
  takeUnwritten(): JournalLine[] {
    const lines = this.unwritten.split('\n').filter((l) => l !== '');
    this.unwritten = '';
    return lines.map((l) => JSON.parse(l) as JournalLine);
  }

  /**
   * Closes the current segment and starts a new one on the next append. Returns the closed segment's path
   * (delete it with `discard` once the stores hold what it contains), or null when nothing was written.
   */
  rotate(): string | null {
    // A broken journal is closed as it is (its torn last line is skipped when it is loaded).
    if (!this.failure) this.sync();
    if (this.fd === null) return null;
    closeSync(this.fd);
    this.fd = null;
    const closed = this.currentPath();
    this.segment++;
    return closed;
  }

  discard(segmentPath: string): void {
    try {
      unlinkSync(segmentPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Closes the file; its contents stay on disk for replay unless discarded. */
  close(): string | null {
    return this.rotate();
  }
}

export interface ReplayResult {
  files: number;
  entries: number;
  records: number;
  /** Lines that could not be parsed (a write cut short by a crash or a full disk); skipped. */
  skipped_lines: number;
  /** The files those lines were in. */
  skipped_files: string[];
}

const REPLAY_CHUNK = 1000;

/**
 * Loads every leftover journal in `dir` into the stores, then deletes it. A crash can leave a file whose contents
 * are already stored, wholly or in part: a segment the sink loaded (it remembers its name) is only deleted, and
 * records the recorder already holds (by call_id) are not written again. A cache entry seen twice is harmless.
 */
export async function replayJournals(dir: string, cache: CacheStore, recorder: CallRecorder, sink?: JournalSink): Promise<ReplayResult> {
  const result: ReplayResult = { files: 0, entries: 0, records: 0, skipped_lines: 0, skipped_files: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.ndjson')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  const loaded = sink ? await sink.loadedSegments(names) : new Set<string>();
  for (const name of names) {
    const file = path.join(dir, name);
    if (loaded.has(name)) {
      unlinkSync(file);
      continue;
    }
    const entries = new Map<string, CacheEntry>();
    const records = new Map<string, CallRecord>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let parsed: JournalLine;
      try {
        parsed = JSON.parse(line) as JournalLine;
      } catch {
        result.skipped_lines++;
        if (!result.skipped_files.includes(file)) result.skipped_files.push(file);
        continue;
      }
      if (parsed.entry && typeof parsed.entry.cache_key === 'string') entries.set(parsed.entry.cache_key, parsed.entry);
      for (const r of parsed.records ?? []) if (r && typeof r.call_id === 'string') records.set(r.call_id, r);
    }
    const entryList = [...entries.values()];
    for (let i = 0; i < entryList.length; i += REPLAY_CHUNK) await cache.putMany(entryList.slice(i, i + REPLAY_CHUNK));
    if (recorder.knownCallIds && records.size > 0) for (const id of await recorder.knownCallIds([...records.keys()])) records.delete(id);
    const recordList = [...records.values()];
    for (let i = 0; i < recordList.length; i += REPLAY_CHUNK) await recorder.recordMany(recordList.slice(i, i + REPLAY_CHUNK));
    unlinkSync(file);
    result.files++;
    result.entries += entryList.length;
    result.records += recordList.length;
  }
  if (sink) await sink.forgetSegmentsExcept(readdirSync(dir).filter((n) => n.endsWith('.ndjson')));
  return result;
}

/** The warning for journal lines replay skipped: what was lost, and why it is not an error. */
export function tornJournalWarning(lines: number, files: readonly string[]): string {
  return `skipped ${lines} unreadable line${lines === 1 ? '' : 's'} of the crash journal (${files.join(', ')}): a write cut short by a crash or a full disk. The answers on ${lines === 1 ? 'it' : 'them'} are asked again; every other line was loaded.`;
}
