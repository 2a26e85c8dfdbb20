/**
 * Buffers fresh cache entries and call records and writes them to their stores in batches (every
 * `flushEvery` items or `flushIntervalMs`, and on `flush()`), journaling network answers synchronously
 * first. A failed store write keeps the data queued (and its journal segments on disk) for the next try.
 */
import { error, UserError } from '../diagnostics/diagnostic.js';
import type { CacheLookup } from './cache-lookup.js';
import { Journal, type JournalWriter } from './journal.js';
import type { CacheEntry, CacheStore, CallRecorder, JournalSink } from './service-types.js';
import type { CallRecord } from './types.js';

export interface WriteBufferOptions {
  cache: CacheStore;
  recorder: CallRecorder;
  lookup: CacheLookup;
  /** No journal when undefined. */
  journalDir?: string;
  /** When set, journaled answers reach the stores by loading whole journal segments, not entry by entry. */
  journalSink?: JournalSink;
  flushEvery: number;
  flushIntervalMs: number;
  /**
   * Told about background failures: a store write that failed (the data stays queued and journaled, and is
   * retried) or a journal write that failed (a UserError naming the file). The caller should stop the build.
   */
  onError?: (error: unknown) => void;
  /** Writes journal bytes (fs.writeSync when unset; tests inject faults). */
  journalWrite?: JournalWriter;
}

export class WriteBuffer {
  private entries: CacheEntry[] = [];
  private records: CallRecord[] = [];
  private readonly journals = new Map<string, Journal>();
  private unconfirmedSegments: Array<{ journal: Journal; path: string }> = [];
  private chain: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private timer: NodeJS.Timeout | null = null;
  private journalSync: Promise<void> | null = null;
  /** Journaled answers not yet in the stores (when a journal sink loads them): counted, and their keys kept. */
  private journaledItems = 0;
  private journaledKeys: string[] = [];

  constructor(private readonly options: WriteBufferOptions) {}

  get pending(): number {
    return this.entries.length + this.records.length + this.journaledItems;
  }

  private get sink(): JournalSink | undefined {
    return this.options.journalDir !== undefined ? this.options.journalSink : undefined;
  }

  /**
   * A network answer: queued for the journal and buffered. Hand the answer back only after the returned
   * promise resolves (it is then on disk); answers arriving in the same event-loop turn share one write.
   */
  addAnswer(runId: string, entry: CacheEntry | null, records: readonly CallRecord[]): Promise<void> | null {
    let synced: Promise<void> | null = null;
    if (this.options.journalDir !== undefined) {
      this.journal(runId).append(entry, records);
      synced = this.journalSync ??= new Promise<void>((resolve) => {
        setImmediate(() => {
          this.journalSync = null;
          this.syncJournals();
          resolve();
        });
      });
    }
    if (entry) this.options.lookup.remember(entry);
    if (this.sink) {
      // The journal line is the staging copy: the sink loads the segment, nothing else is kept but the key.
      this.journaledItems += (entry ? 1 : 0) + records.length;
      if (entry) this.journaledKeys.push(entry.cache_key);
    } else {
      if (entry) this.entries.push(entry);
      for (const r of records) this.records.push(r);
    }
    this.scheduleFlush();
    return synced;
  }

  private syncJournals(): void {
    for (const journal of this.journals.values()) {
      try {
        journal.sync();
      } catch (err) {
        // Lines the journal could not write are kept here for the store (with a sink, they were only there).
        for (const line of journal.takeUnwritten()) {
          if (line.entry && this.sink) this.entries.push(line.entry);
          if (this.sink) for (const r of line.records ?? []) this.records.push(r);
        }
        // No later answer would be safe from a crash: the caller stops the build.
        this.options.onError?.(err);
      }
    }
  }

  /** Records that cost nothing (cache hits, refusals): buffered, not journaled. */
  addRecords(records: readonly CallRecord[]): void {
    for (const r of records) this.records.push(r);
    this.scheduleFlush();
  }

  /** Resolves when the buffers are far enough behind that callers should wait (store slower than calls). */
  backpressure(): Promise<void> | null {
    return this.pending > this.options.flushEvery * 20 ? this.chain : null;
  }

  /** Writes everything buffered so far; throws if the stores refuse it (the data stays queued). */
  flush(): Promise<void> {
    const run = this.chain.then(() => this.writeOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Flushes and closes journal files. */
  async close(): Promise<void> {
    await this.flush();
    for (const journal of this.journals.values()) {
      const closed = journal.close();
      if (closed) journal.discard(closed);
    }
    this.journals.clear();
  }

  private journal(runId: string): Journal {
    let journal = this.journals.get(runId);
    if (!journal) {
      journal = new Journal(this.options.journalDir!, runId, this.options.journalWrite);
      this.journals.set(runId, journal);
    }
    return journal;
  }

  private scheduleFlush(): void {
    if (this.pending >= this.options.flushEvery) {
      if (!this.flushQueued) {
        this.flushQueued = true;
        this.flush().then(
          () => undefined,
          (err) => this.options.onError?.(err),
        );
      }
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush().catch((err) => this.options.onError?.(err));
      }, this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private async writeOnce(): Promise<void> {
    this.flushQueued = false;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const entries = this.entries;
    const records = this.records;
    const journaledKeys = this.journaledKeys;
    this.entries = [];
    this.records = [];
    this.journaledKeys = [];
    this.journaledItems = 0;
    for (const journal of this.journals.values()) {
      const closed = journal.rotate();
      if (closed) this.unconfirmedSegments.push({ journal, path: closed });
    }
    const segments = this.unconfirmedSegments;
    if (entries.length === 0 && records.length === 0 && segments.length === 0) return;
    if (this.sink && segments.length > 0) {
      try {
        await this.sink.ingest(segments.map((s) => s.path));
      } catch (err) {
        // The segments stay on disk and unconfirmed: the next flush (or the next build's replay) loads them.
        this.journaledKeys = journaledKeys.concat(this.journaledKeys);
        this.entries = entries.concat(this.entries);
        this.records = records.concat(this.records);
        throw err;
      }
      this.unconfirmedSegments = [];
      for (const s of segments) s.journal.discard(s.path);
      this.options.lookup.forget(journaledKeys);
    }
    try {
      if (entries.length > 0) await this.options.cache.putMany(entries);
    } catch (err) {
      this.entries = entries.concat(this.entries);
      this.records = records.concat(this.records);
      throw err;
    }
    try {
      if (records.length > 0) await this.options.recorder.recordMany(records);
    } catch (err) {
      this.records = records.concat(this.records);
      throw err;
    }
    if (!this.sink) {
      this.unconfirmedSegments = [];
      for (const s of segments) s.journal.discard(s.path);
    }
    this.options.lookup.forget(entries.map((e) => e.cache_key));
  }
}

/** The code of a build stopped because the LLM answers it was paid for could not be stored. */
export const STORE_FAILURE_CODE = 'LOOM211';

/**
 * What stops a build after a background failure of the buffer: a journal write's own UserError, or one saying
 * that answers could not be stored and where they wait for the next build.
 */
export function storeFailureError(e: unknown, journalDir: string): UserError {
  if (e instanceof UserError) return e;
  const reason = String((e as Error)?.message ?? e).split('\n')[0];
  return new UserError(
    error(STORE_FAILURE_CODE, `cannot store LLM answers in the warehouse (${reason}); the build stops. Answers already paid for stay in the crash journal ${journalDir}, which the next build loads first.`),
  );
}
