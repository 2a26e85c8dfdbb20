import { basename } from 'node:path';
import { quoteString } from '../sql/quote.js';
import type { CacheEntry, CacheStore, CallRecorder, JournalSink } from '../llm/service-types.js';
import type { CallRecord } from '../llm/types.js';
import { appendNullable, appendNumber, timestamp, type Connection } from './database.js';

const HEX = /^[0-9a-f]+$/;
/** Keys per lookup query: DuckDB probes the primary key's index for up to 2,048 matches (`index_scan_max_count`). */
const LOOKUP_KEYS = 2000;

/** The LLM cache in `loom.llm_cache`: bulk lookups by primary key, inserts that ignore keys already present. */
export function warehouseCacheStore(connection: Connection): CacheStore {
  return {
    async getMany(keys) {
      const found = new Map<string, CacheEntry>();
      const wanted = [...new Set(keys)].filter((k) => HEX.test(k));
      for (let i = 0; i < wanted.length; i += LOOKUP_KEYS) {
        const list = wanted
          .slice(i, i + LOOKUP_KEYS)
          .map((k) => `'${k}'`)
          .join(',');
        const rows = await connection.all<{ cache_key: string; kind: string; provider: string; model: string; response: string; created_at: string }>(
          `select cache_key, kind, provider, model, response::varchar as response, created_at::varchar as created_at from loom.llm_cache where cache_key in (${list})`,
        );
        for (const r of rows) {
          found.set(r.cache_key, {
            cache_key: r.cache_key,
            kind: r.kind as CacheEntry['kind'],
            provider: r.provider,
            model: r.model,
            response: JSON.parse(r.response),
            created_at: r.created_at,
          });
        }
      }
      return found;
    },
    async putMany(entries) {
      if (!entries.length) return;
      await connection.transaction(async (tx) => {
        // Per call, then dropped: a temp table's deleted rows keep their memory (see writeBatch).
        await tx.run('create or replace temp table cache_stage as select * from loom.llm_cache limit 0');
        await tx.append('temp', 'cache_stage', entries, (a, e) => {
          a.appendVarchar(e.cache_key);
          a.appendVarchar(e.kind);
          a.appendVarchar(e.provider);
          a.appendVarchar(e.model);
          a.appendVarchar(JSON.stringify(e.response));
          a.appendValue(timestamp(new Date(e.created_at)));
        });
        // A key already cached (e.g. from a replayed journal) keeps its first answer.
        await tx.run('insert or ignore into loom.llm_cache select distinct on (cache_key) * from cache_stage');
        await tx.run('drop table temp.cache_stage');
      });
    },
  };
}

/** Every attempt, cache hit and refusal, appended to `loom.llm_calls`. */
export function warehouseCallRecorder(connection: Connection): CallRecorder {
  return {
    async knownCallIds(ids) {
      const known = new Set<string>();
      for (let i = 0; i < ids.length; i += 2000) {
        const list = ids.slice(i, i + 2000).map(quoteString).join(',');
        for (const r of await connection.all<{ call_id: string }>(`select call_id from loom.llm_calls where call_id in (${list})`)) known.add(r.call_id);
      }
      return known;
    },
    async recordMany(records: readonly CallRecord[]) {
      await connection.append('loom', 'llm_calls', records, (a, r) => {
        a.appendVarchar(r.call_id);
        a.appendVarchar(r.run_id);
        a.appendVarchar(r.node_id);
        appendNullable(a, r.row_key);
        a.appendVarchar(r.stage);
        appendNullable(a, r.evaluator);
        a.appendVarchar(r.cache_key);
        a.appendVarchar(r.provider);
        a.appendVarchar(r.model);
        a.appendInteger(r.attempt);
        a.appendVarchar(r.status);
        if (r.http_status === null) a.appendNull();
        else a.appendInteger(r.http_status);
        a.appendBigInt(BigInt(r.tokens_in));
        a.appendBigInt(BigInt(r.tokens_out));
        a.appendBigInt(BigInt(r.tokens_cached));
        appendNumber(a, r.cost_usd);
        appendNumber(a, r.latency_ms);
        appendNullable(a, r.error);
        a.appendValue(timestamp(new Date(r.started_at)));
      });
    },
  };
}

/**
 * Longest journal line read back (one answer and its call records): DuckDB's JSON reader sizes its buffers from
 * this (default 16 MB, two buffers per thread), which alone could exceed a small warehouse_memory_limit. An
 * answer of 128k tokens is about 0.5 MB.
 */
const MAX_JOURNAL_LINE_BYTES = 4 * 1024 * 1024;

const JOURNAL_COLUMNS = `{
  entry: 'STRUCT(cache_key VARCHAR, kind VARCHAR, provider VARCHAR, model VARCHAR, response JSON, created_at VARCHAR)',
  records: 'STRUCT(call_id VARCHAR, run_id VARCHAR, node_id VARCHAR, row_key VARCHAR, stage VARCHAR, evaluator VARCHAR,
    cache_key VARCHAR, provider VARCHAR, model VARCHAR, attempt INTEGER, status VARCHAR, http_status INTEGER,
    tokens_in BIGINT, tokens_out BIGINT, tokens_cached BIGINT, cost_usd DOUBLE, latency_ms DOUBLE, error VARCHAR,
    started_at VARCHAR)[]'
}`;

/**
 * Loads complete journal segments into `loom.llm_cache` and `loom.llm_calls` in one transaction, DuckDB reading the
 * NDJSON itself: the answers were already serialized once for the journal, so they are not handed over again
 * value by value from the event loop.
 */
export function warehouseJournalSink(connection: Connection): JournalSink {
  return {
    async ingest(paths) {
      if (!paths.length) return;
      const files = `[${paths.map(quoteString).join(', ')}]`;
      const source = `read_json(${files}, format = 'newline_delimited', ignore_errors = true, maximum_object_size = ${MAX_JOURNAL_LINE_BYTES}, columns = ${JOURNAL_COLUMNS})`;
      await connection.transaction(async (tx) => {
        await tx.run(
          `insert or ignore into loom.llm_cache
           select distinct on (entry.cache_key) entry.cache_key, entry.kind, entry.provider, entry.model, entry.response,
                  entry.created_at::timestamptz
           from ${source} where entry is not null`,
        );
        await tx.run(
          `insert into loom.llm_calls
           select r.call_id, r.run_id, r.node_id, r.row_key, r.stage, r.evaluator, r.cache_key, r.provider, r.model,
                  r.attempt, r.status, r.http_status, r.tokens_in, r.tokens_out, r.tokens_cached, r.cost_usd, r.latency_ms,
                  r.error, r.started_at::timestamptz
           from (select unnest(records) as r from ${source} where records is not null)`,
        );
        for (const p of paths) await tx.run('insert into loom.journal_segments values (?, now())', [basename(p)]);
      });
    },
    async loadedSegments(names) {
      if (!names.length) return new Set();
      const rows = await connection.all<{ segment: string }>(`select segment from loom.journal_segments where segment in (${names.map(quoteString).join(',')})`);
      return new Set(rows.map((r) => r.segment));
    },
    async forgetSegmentsExcept(keep) {
      await connection.run(keep.length ? `delete from loom.journal_segments where segment not in (${keep.map(quoteString).join(',')})` : 'delete from loom.journal_segments');
    },
  };
}
