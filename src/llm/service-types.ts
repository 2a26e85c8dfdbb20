import type {
  CallRecord,
  CompletionRequest,
  CompletionResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  Stage,
} from './types.js';

/** A cached answer: what the provider returned once, replayed for free whenever the same key comes again. */
export interface CacheEntry {
  cache_key: string;
  kind: 'completion' | 'embedding';
  provider: string;
  model: string;
  response: CompletionResponse | EmbeddingResponse;
  created_at: string;
}

/** Persistent cache; implemented by the warehouse (DuckDB) and by an in-memory map in tests. */
export interface CacheStore {
  getMany(keys: readonly string[]): Promise<Map<string, CacheEntry>>;
  putMany(entries: readonly CacheEntry[]): Promise<void>;
}

/**
 * Loads whole journal segments (NDJSON written by the crash journal) into the cache and call stores, so answers
 * are not handed to the stores a second time from memory. Optional; implemented by the warehouse, whose
 * database reads the files itself.
 */
export interface JournalSink {
  /** Loads the segments and notes their file names as loaded, all in one transaction. */
  ingest(paths: readonly string[]): Promise<void>;
  /**
   * Which of these segment file names were already loaded: a build killed after loading a segment but before
   * deleting its file leaves it behind, and loading it again would count its calls twice.
   */
  loadedSegments(names: readonly string[]): Promise<Set<string>>;
  /** Forgets every loaded segment name except `keep` (files still on disk). */
  forgetSegmentsExcept(keep: readonly string[]): Promise<void>;
}

/** Where `llm_calls` rows go; implemented by the warehouse. */
export interface CallRecorder {
  recordMany(records: readonly CallRecord[]): Promise<void>;
  /** Which of these call ids are already recorded (used when replaying a journal, which may be half loaded). */
  knownCallIds?(ids: readonly string[]): Promise<Set<string>>;
}

/** Who is asking, for accounting: every call is recorded against a run, a node, a row and a stage. */
export interface CallContext {
  run_id: string;
  node_id: string;
  row_key: string | null;
  stage: Stage;
  evaluator?: string | null;
  /** Budgets charged by this call (e.g. the node's and the run's). */
  budgets: readonly BudgetScope[];
}

/** A spending limit. Reserve before sending, settle with the actual cost after. */
export interface BudgetScope {
  readonly name: string;
  readonly limit_usd: number | null;
  readonly spent_usd: number;
  /** Held by calls in flight (Budget has it; a scope without it never makes a call wait). */
  readonly reserved_usd?: number;
  /** False, and nothing reserved, when `estimate_usd` more would exceed the limit. */
  tryReserve(estimate_usd: number): boolean;
  /** True when the call cannot fit whatever the calls in flight turn out to cost (absent: always). */
  exhaustedFor?(estimate_usd: number): boolean;
  /** Resolves at the next settle, for a call waiting for reservations to free up. */
  settled?(): Promise<void>;
  /** Replace a reservation with what the call really cost (0 for cache hits, failures). */
  settle(reserved_usd: number, actual_usd: number): void;
}

export interface CompletionOutcome {
  response: CompletionResponse;
  cache_key: string;
  /** True when served from the cache: cost 0, no request sent. */
  cached: boolean;
  /** null when the answering model has no known price. */
  cost_usd: number | null;
  /** The model that produced the answer (differs from the request when a fallback model answered). */
  model: string;
  latency_ms: number;
  /** Attempts sent over the network (0 for a cache hit). */
  attempts: number;
}

export interface EmbeddingOutcome {
  response: EmbeddingResponse;
  cache_key: string;
  cached: boolean;
  cost_usd: number | null;
  latency_ms: number;
  attempts: number;
}

export interface CompleteOptions {
  /** Models tried in order after `request.params.model` fails with a non-retryable or exhausted error. */
  fallback_models?: readonly string[];
  /** false = `--no-cache`: do not read the cache (fresh answers are still written to it). */
  read_cache?: boolean;
  /** Per-request timeout for this call, overriding the provider's `timeout_ms` (a model's `llm.timeout_ms`). */
  timeout_ms?: number;
}

/**
 * The one door to LLMs for transforms and judges alike: cache, provider limits, retries with backoff,
 * fallback models, budgets, pricing and per-attempt call records.
 */
export interface LlmService {
  complete(request: CompletionRequest, context: CallContext, options?: CompleteOptions): Promise<CompletionOutcome>;
  embed(request: EmbeddingRequest, context: CallContext, options?: CompleteOptions): Promise<EmbeddingOutcome>;
  /**
   * Looks up the cache for many requests at once ahead of `complete` (one store query per batch instead of
   * one per call). Optional to call; `complete` gives the same answers without it.
   */
  prefetch(requests: readonly CompletionRequest[], options?: CompleteOptions): Promise<void>;
  /** Writes buffered cache entries and call records to their stores. */
  flush(): Promise<void>;
  /** Counters since creation: requests sent, cache hits, retries, tokens, dollars. */
  stats(): LlmStats;
  /** True when the provider is the offline one (answers are placeholders). */
  readonly offline: boolean;
}

export interface LlmStats {
  requests: number;
  cache_hits: number;
  retries: number;
  failures: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost_usd: number;
  /** Models that answered but have no price: their cost is unknown, not zero. */
  unpriced_models: string[];
}
