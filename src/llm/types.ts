/**
 * The shapes shared by every LLM provider and by the code that calls them (transforms and judges).
 * Providers know nothing of caching, budgets or the warehouse; `LlmService` layers those on top.
 */
import type { JsonSchema, LlmParams, ProviderSettings } from '../contracts/llm.js';

export type { JsonSchema, LlmParams, ProviderSettings };

/** Which part of a build paid for a call: the transform itself, an evaluator (judge/embedding), or the one repair retry. */
export type Stage = 'transform' | 'evaluate' | 'repair';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}


export interface CompletionRequest {
  params: LlmParams;
  messages: ChatMessage[];
  /** When set, ask for JSON matching this schema (structured outputs where the endpoint supports them). */
  output_schema?: JsonSchema;
  /** Name for the schema in `response_format.json_schema.name` (a-z, 0-9, _ and -). */
  schema_name?: string;
}

export interface TokenUsage {
  input: number;
  output: number;
  /** Input tokens served from the provider's prompt cache (billed at the cached-input price). */
  cached_input: number;
}

export interface CompletionResponse {
  /** The assistant message's text exactly as received. */
  content: string;
  /** The model that answered, as the endpoint reported it (falls back to the requested model). */
  model: string;
  usage: TokenUsage;
  finish_reason: string | null;
}

export interface EmbeddingRequest {
  model: string;
  input: string[];
}

export interface EmbeddingResponse {
  vectors: number[][];
  model: string;
  usage: TokenUsage;
}

export interface CallOptions {
  /** Abort the request after this many milliseconds (counted as a retryable timeout). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One backend: the `openai` package against any OpenAI-compatible base URL, or the deterministic offline one. */
export interface Provider {
  /** `openai`, `offline`, ... — what `provider:` says in config. */
  readonly name: string;
  /** True when answers are placeholders made without a network (the CLI says so loudly). */
  readonly offline: boolean;
  complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResponse>;
  embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
}

/** How a failed attempt is classified; decides whether it is retried. */
export type LlmErrorKind =
  | 'rate_limit' // 429: retried, honoring retry-after
  | 'server' // 5xx: retried
  | 'timeout' // no answer within timeoutMs: retried
  | 'connection' // refused/reset: retried
  | 'auth' // 401/403: never retried
  | 'bad_request' // 400/404/422: never retried
  | 'invalid_response' // a 2xx whose body is not the protocol's shape (a proxy cut it off): retried
  | 'budget' // refused locally: the next request would exceed a budget
  | 'aborted'; // the build is stopping

export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status?: number;
  /** Milliseconds the server asked us to wait (retry-after / retry-after-ms), when it said. */
  readonly retryAfterMs?: number;
  /** Requests this call sent before it failed (set by the service on the error a failed call ends with). */
  readonly attempts?: number;
  constructor(kind: LlmErrorKind, message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown; attempts?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts;
  }
  /** 429, 5xx, timeouts, dropped connections and garbled 2xx bodies are transient; everything else is not. */
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection' || this.kind === 'invalid_response';
  }
}

/** Dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cached_input?: number;
}


/** One row of the `llm_calls` table: every attempt, including retries, cache hits and refusals. */
export interface CallRecord {
  call_id: string;
  run_id: string;
  node_id: string;
  /** The row key of the input row this call served, when there is one. */
  row_key: string | null;
  stage: Stage;
  /** Evaluator name for stage `evaluate`. */
  evaluator: string | null;
  cache_key: string;
  provider: string;
  model: string;
  /** 1 for the first attempt; cache hits are attempt 0. */
  attempt: number;
  /** `success`, `cache_hit`, or the LlmErrorKind of a failed attempt. */
  status: string;
  http_status: number | null;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  /** null when the model has no known price (never a made-up one). */
  cost_usd: number | null;
  latency_ms: number;
  error: string | null;
  started_at: string;
}
