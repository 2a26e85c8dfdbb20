/** Types for server.mjs (the fake OpenAI-compatible server). */

export type FakeFault =
  | 'rate_limit' // 429 with retry-after / retry-after-ms when configured
  | 'server_error' // 500
  | 'bad_gateway' // 502
  | 'unavailable' // 503
  | 'hang' // never answers: the client times out
  | 'reset' // destroys the socket: a connection error
  | 'malformed_body' // HTTP 200 whose JSON body is cut off
  | 'invalid_json_content' // a well-formed completion whose content is not JSON
  | 'schema_invalid_content' // a completion whose content is JSON but breaks the requested schema
  | 'empty_choices' // a completion with `choices: []`
  | 'unauthorized' // 401
  | 'unauthorized_echo' // 401 whose message echoes every request header (key included), as some gateways do
  | 'forbidden' // 403
  | 'bad_request' // 400
  | 'model_not_found'; // 404

export interface FakeRequestContext {
  /** 1-based number of this chat/embeddings request since start (or the last resetStats()). */
  requestNumber: number;
  path: string;
  kind: 'chat' | 'embeddings';
  model: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** The deterministic answer generator (src/llm/schema-answer.ts and text-embedding.ts, or their dist/ build). */
export interface FakeAnswerGenerator {
  seedFromMessages(messages: readonly { role: string; content: string }[]): { hash: number; words: readonly string[] };
  answerForSchema(schema: Record<string, unknown>, seed: { hash: number; words: readonly string[] }): unknown;
  answerText(seed: { hash: number; words: readonly string[] }): string;
  embedText(text: string, dims?: number): number[];
}

export interface FakeOpenAIOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every chat/embeddings answer: fixed, or uniform in [min, max] drawn from `seed`. */
  latencyMs?: number | { min: number; max: number };
  /** Seed for fault probabilities and random latency. Default 1. */
  seed?: number;
  /** Probability of each fault per request, e.g. `{ rate_limit: 0.05, server_error: 0.01 }`. */
  faultRates?: Partial<Record<FakeFault, number>>;
  /** The first N requests fail with `failFault`. */
  failFirst?: number;
  /** These request numbers (1-based) fail with `failFault`. */
  failRequests?: readonly number[];
  /** Fault used by failFirst / failRequests; default 'server_error'. */
  failFault?: FakeFault;
  /** Every request for this model fails this way (e.g. to exercise fallback models). */
  modelFaults?: Record<string, FakeFault>;
  /** Full control: return a fault, null for none, or undefined to fall through to the other rules. */
  faultFor?: (ctx: FakeRequestContext) => FakeFault | null | undefined;
  /** Replace the error message a fault answers with (e.g. a provider's exact wording). */
  errorMessages?: Partial<Record<FakeFault, string>>;
  /** Headers sent with 429s. */
  retryAfterMs?: number;
  retryAfterSeconds?: number | string;
  /** Answer 400 (mentioning response_format) to `json_schema` / `json_object` response formats. */
  rejectJsonSchema?: boolean;
  rejectJsonObject?: boolean;
  /** Answer 400 (as OpenAI does for o-series models) when `max_tokens` is sent instead of `max_completion_tokens`. */
  rejectMaxTokens?: boolean;
  /** Schema used to answer `json_object` requests. */
  jsonObjectSchema?: Record<string, unknown>;
  /** Script answers: a string is the message content; an object is the whole response body; undefined = default. */
  responder?: (body: any, ctx: FakeRequestContext) => string | object | undefined | Promise<string | object | undefined>;
  /** Model name reported in answers (default: the requested one). */
  answerModel?: string;
  /** Share of prompt tokens reported as cached (usage.prompt_tokens_details.cached_tokens). */
  cachedTokensRatio?: number;
  embeddingDims?: number;
  models?: string[];
  /** How many request bodies stats() keeps (the most recent). Default 200; 0 keeps none. */
  maxLoggedBodies?: number;
}

export interface FakeOpenAIServerOptions extends FakeOpenAIOptions {
  generator: FakeAnswerGenerator;
}

export interface FakeOpenAIStats {
  /** Every HTTP request, whatever the path. */
  total: number;
  byPath: Record<string, number>;
  byModel: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  /** The most recent request bodies (chat and embeddings), oldest first. */
  bodies: any[];
  /** Date.now() when the first chat or embeddings request arrived since the start or reset; null before. */
  firstApiArrivalAt: number | null;
  /** Date.now() when the last chat or embeddings reply was sent; null before any. */
  lastApiReplyAt: number | null;
  /** Sum over chat and embeddings requests of the ms from arrival to reply (÷ the span = mean requests held). */
  apiHeldMs: number;
  /** Sum of how many ms each such reply went out after its due time (this server's own slowness). */
  apiLateMs: number;
}

export interface FakeOpenAI {
  /** http://127.0.0.1:PORT */
  url: string;
  /** http://127.0.0.1:PORT/v1 — what OPENAI_BASE_URL / base_url should be. */
  baseURL: string;
  port: number;
  stats(): FakeOpenAIStats;
  resetStats(): void;
  setOptions(partial: Partial<FakeOpenAIOptions>): void;
  /** Back to the options it was started with, and fresh stats: what a test's beforeEach wants. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_OPENAI_FAULTS: FakeFault[];
export function startFakeOpenAIServer(options: FakeOpenAIServerOptions): Promise<FakeOpenAI>;
