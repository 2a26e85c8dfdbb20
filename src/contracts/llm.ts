/** The LLM-parameter shapes the manifest, the config and the providers share. */
export type JsonSchema = Record<string, unknown>;

/** Everything, besides the messages, that shapes an answer. All of it goes into the cache key. */
export interface LlmParams {
  model: string;
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  seed?: number;
  /** Extra request-body fields passed through verbatim (e.g. `{ reasoning_effort: 'low' }`). */
  extra?: Record<string, unknown>;
}

/** Resolved provider settings for one target (from loom_project.yml `targets.<name>` plus defaults). */
export interface ProviderSettings {
  provider: string; // 'openai' | 'offline'
  /** Overrides OPENAI_BASE_URL; undefined lets the openai SDK read the environment as it does. */
  base_url?: string;
  /** Name of the environment variable holding the key; default OPENAI_API_KEY (read by the SDK). */
  api_key_env?: string;
  /** Max requests in flight at once for this provider. */
  concurrency: number;
  /** Requests per minute; undefined = unlimited. */
  rpm?: number;
  /** Tokens per minute (input estimate + max_tokens); undefined = unlimited. */
  tpm?: number;
  /** Per-request timeout. */
  timeout_ms: number;
  /** Retries after the first attempt for retryable errors. */
  max_retries: number;
  /** Exponential backoff base and cap, ms (full jitter). */
  backoff_base_ms: number;
  backoff_max_ms: number;
  /** Extra HTTP headers (e.g. Azure's api-key, OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
  /**
   * How the openai provider talks HTTP. `sdk`: the openai package's client. `direct`: the same protocol
   * over Loom's keep-alive HTTP/1.1 client (plain http only; several times less CPU per call).
   * `auto` (default): direct for http:// base URLs (local servers), sdk for https://.
   */
  transport?: 'auto' | 'sdk' | 'direct';
}
