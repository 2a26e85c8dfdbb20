/**
 * Any OpenAI-compatible endpoint (OpenAI, Azure, OpenRouter, Ollama, vLLM, llama.cpp, LM Studio).
 * Two transports, one protocol: the `openai` package's client over the global fetch (default for https), or
 * the same requests sent by openai-direct.ts over an undici keep-alive pool (default for plain-http local
 * servers, where the SDK's per-call CPU would cap throughput). Both raise the SDK's error classes, mapped
 * once in openai-errors.ts.
 * No SDK retries: ours live in retry.ts.
 */
import { createRequire } from 'node:module';
import type OpenAI from 'openai';
import { DirectOpenAITransport } from './openai-direct.js';
import { toLlmError } from './openai-errors.js';
import { createRedactor, targetSecrets, type Redactor } from './redact.js';
import {
  type CallOptions,
  type ChatMessage,
  type CompletionRequest,
  type CompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type JsonSchema,
  LlmError,
  type Provider,
  type ProviderSettings,
} from './types.js';

/** Sent when a base URL is configured but no key: local servers (Ollama, vLLM) accept anything. */
export const PLACEHOLDER_API_KEY = 'sk-no-key-required';

/** How structured output is asked for; we step down when an endpoint rejects the richer form. */
type StructuredMode = 'json_schema' | 'json_object' | 'instructions';

export interface OpenAIProviderOptions {
  /** Environment to read keys and OPENAI_BASE_URL from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The `fetch` the SDK transport uses; default: the SDK's own (Node's global fetch). */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Takes secrets out of error messages; default: one built from this provider's key and header values. */
  redact?: Redactor;
}

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAICredentials {
  apiKey: string;
  /** undefined = let the SDK use its default (https://api.openai.com/v1). */
  baseURL: string | undefined;
  keyVariable: string;
  placeholderKey: boolean;
}

function readEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** The key and base URL the way the SDK would read them, with settings taking precedence. */
export function resolveOpenAICredentials(
  settings: Pick<ProviderSettings, 'base_url' | 'api_key_env'>,
  env: Record<string, string | undefined> = process.env,
): OpenAICredentials {
  const keyVariable = settings.api_key_env?.trim() || 'OPENAI_API_KEY';
  const baseURL = settings.base_url?.trim() || readEnv(env, 'OPENAI_BASE_URL');
  const apiKey = readEnv(env, keyVariable);
  if (apiKey) return { apiKey, baseURL, keyVariable, placeholderKey: false };
  if (baseURL) return { apiKey: PLACEHOLDER_API_KEY, baseURL, keyVariable, placeholderKey: true };
  throw new LlmError(
    'auth',
    `No API key for the openai provider: set ${keyVariable} (e.g. export ${keyVariable}=sk-...), ` +
      `point base_url / OPENAI_BASE_URL at a local OpenAI-compatible server, or use the offline target (provider: offline), which needs no key.`,
  );
}

export class OpenAIProvider implements Provider {
  readonly name = 'openai';
  readonly offline = false;
  readonly baseURL: string;
  /** Which transport carries the requests. */
  readonly transport: 'sdk' | 'direct';
  private readonly client: OpenAI | null = null;
  private readonly direct: DirectOpenAITransport | null = null;
  private structuredMode: StructuredMode = 'json_schema';
  /** Models that want `max_completion_tokens` instead of `max_tokens` (o-series, gpt-5). */
  private readonly completionTokenModels = new Set<string>();
  private readonly redact: Redactor;

  constructor(settings: ProviderSettings, options: OpenAIProviderOptions = {}) {
    const env = options.env ?? process.env;
    const credentials = resolveOpenAICredentials(settings, env);
    this.baseURL = credentials.baseURL ?? DEFAULT_OPENAI_BASE_URL;
    this.redact = options.redact ?? createRedactor(targetSecrets(credentials.placeholderKey ? undefined : credentials.apiKey, settings.headers));
    // Azure-style endpoints carry `?api-version=...` in the base URL and authenticate with an `api-key` header.
    const { base, query } = splitQuery(this.baseURL);
    const headerKey = Object.keys(settings.headers ?? {}).some((h) => h.toLowerCase() === 'api-key');
    const bearer = !(headerKey && credentials.placeholderKey);
    const plainHttp = base.startsWith('http://');
    const wanted = settings.transport ?? 'auto';
    if (wanted === 'direct' && !plainHttp) {
      throw new Error(`transport: direct needs a plain http:// base_url (got ${this.baseURL}); use transport: sdk or auto for https.`);
    }
    this.transport = wanted === 'sdk' || (wanted === 'auto' && !plainHttp) ? 'sdk' : 'direct';
    if (this.transport === 'direct') {
      this.direct = new DirectOpenAITransport({
        baseURL: this.baseURL,
        apiKey: bearer ? credentials.apiKey : undefined,
        headers: settings.headers,
        organization: readEnv(env, 'OPENAI_ORG_ID'),
        project: readEnv(env, 'OPENAI_PROJECT_ID'),
        connections: Math.max(16, settings.concurrency * 2),
      });
    } else {
      // Loaded only here: a local endpoint on the direct transport never pays the SDK's ~120 ms import.
      const OpenAIClient = createRequire(import.meta.url)('openai').default as typeof OpenAI;
      this.client = new OpenAIClient({
        apiKey: credentials.apiKey,
        baseURL: base,
        defaultQuery: query,
        organization: readEnv(env, 'OPENAI_ORG_ID') ?? null,
        project: readEnv(env, 'OPENAI_PROJECT_ID') ?? null,
        maxRetries: 0,
        timeout: Math.max(1, Math.round(settings.timeout_ms)),
        defaultHeaders: bearer ? settings.headers : { ...settings.headers, Authorization: null },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
  }

  /** Which structured-output form this endpoint has accepted so far. */
  get structuredOutputMode(): StructuredMode {
    return this.structuredMode;
  }

  async complete(request: CompletionRequest, options: CallOptions): Promise<CompletionResponse> {
    const model = request.params.model;
    for (;;) {
      const mode = this.structuredMode;
      const tokenField = this.completionTokenModels.has(model) ? 'max_completion_tokens' : 'max_tokens';
      let data: unknown;
      try {
        const body = this.body(request, mode, tokenField);
        data = this.direct
          ? await this.direct.post('/chat/completions', body, options)
          : await this.client!.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, requestOptions(options));
      } catch (err) {
        const error = toLlmError(err, model, this.redact);
        if (error.kind === 'bad_request' || (error.kind === 'server' && error.status === 500)) {
          if (request.output_schema && mode !== 'instructions' && rejectsResponseFormat(error)) {
            this.structuredMode = mode === 'json_schema' ? 'json_object' : 'instructions';
            continue;
          }
          if (tokenField === 'max_tokens' && request.params.max_tokens !== undefined && /max_completion_tokens/.test(error.message)) {
            this.completionTokenModels.add(model);
            continue;
          }
        }
        throw error;
      }
      return parseCompletion(data, model);
    }
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    let data: unknown;
    const body = { model: request.model, input: request.input, encoding_format: 'float' as const };
    try {
      data = this.direct ? await this.direct.post('/embeddings', body, options) : await this.client!.embeddings.create(body, requestOptions(options));
    } catch (err) {
      throw toLlmError(err, request.model, this.redact);
    }
    return parseEmbeddings(data, request);
  }

  /** Closes the direct transport's keep-alive sockets (the global fetch manages its own). */
  close(): void {
    this.direct?.close();
  }

  private body(request: CompletionRequest, mode: StructuredMode, tokenField: string): Record<string, unknown> {
    const p = request.params;
    const body: Record<string, unknown> = p.extra ? { ...p.extra } : {};
    body.model = p.model;
    const schema = request.output_schema;
    body.messages = schema && mode !== 'json_schema' ? withSchemaInstructions(request.messages, schema) : request.messages;
    if (p.temperature !== undefined) body.temperature = p.temperature;
    if (p.top_p !== undefined) body.top_p = p.top_p;
    if (p.seed !== undefined) body.seed = p.seed;
    if (p.max_tokens !== undefined) body[tokenField] = p.max_tokens;
    if (schema) {
      if (mode === 'json_schema') {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: schemaName(request.schema_name), schema, strict: false },
        };
      } else if (mode === 'json_object') {
        body.response_format = { type: 'json_object' };
      }
    }
    return body;
  }
}

function splitQuery(url: string): { base: string; query: Record<string, string> | undefined } {
  const q = url.indexOf('?');
  if (q < 0) return { base: url, query: undefined };
  return { base: url.slice(0, q), query: Object.fromEntries(new URLSearchParams(url.slice(q + 1))) };
}

function requestOptions(options: CallOptions): { timeout: number; signal?: AbortSignal; maxRetries: 0 } {
  const timeout = Math.max(1, Math.round(options.timeoutMs));
  return options.signal ? { timeout, signal: options.signal, maxRetries: 0 } : { timeout, maxRetries: 0 };
}

/** The endpoint does not support this response_format (as opposed to rejecting the schema itself). */
function rejectsResponseFormat(error: LlmError): boolean {
  return /response_format|json_schema|json_object|structured output/i.test(error.message) && !/invalid schema/i.test(error.message);
}

function schemaName(name: string | undefined): string {
  const cleaned = (name ?? 'output').replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned || 'output';
}

/** For endpoints without json_schema support: state the schema in the system message instead. */
export function withSchemaInstructions(messages: readonly ChatMessage[], schema: JsonSchema): ChatMessage[] {
  const instruction = `Respond with only a JSON object (no prose, no code fences) that matches this JSON Schema:\n${JSON.stringify(schema)}`;
  const out = messages.map((m) => ({ ...m }));
  const system = out.find((m) => m.role === 'system');
  if (system) system.content = `${system.content}\n\n${instruction}`;
  else out.unshift({ role: 'system', content: instruction });
  return out;
}

function invalid(message: string): LlmError {
  return new LlmError('invalid_response', message);
}

interface RawUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function parseCompletion(data: unknown, requestedModel: string): CompletionResponse {
  if (!data || typeof data !== 'object') {
    throw invalid(`The endpoint answered with ${typeof data === 'string' ? 'text' : typeof data}, not a chat.completion object.`);
  }
  const d = data as { choices?: unknown; model?: unknown; usage?: RawUsage | null };
  if (!Array.isArray(d.choices) || d.choices.length === 0) throw invalid('The endpoint answered without any choices.');
  const choice = d.choices[0] as { message?: { content?: unknown; refusal?: unknown } | null; finish_reason?: unknown };
  if (!choice || typeof choice !== 'object' || !choice.message || typeof choice.message !== 'object') {
    throw invalid('The first choice has no message.');
  }
  const { content, refusal } = choice.message;
  const text = typeof content === 'string' ? content : typeof refusal === 'string' ? refusal : '';
  const usage = d.usage ?? {};
  return {
    content: text,
    model: typeof d.model === 'string' && d.model !== '' ? d.model : requestedModel,
    usage: {
      input: count(usage.prompt_tokens),
      output: count(usage.completion_tokens),
      cached_input: count(usage.prompt_tokens_details?.cached_tokens),
    },
    finish_reason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
  };
}

function parseEmbeddings(data: unknown, request: EmbeddingRequest): EmbeddingResponse {
  const d = data as { data?: unknown; model?: unknown; usage?: { prompt_tokens?: number } | null } | null;
  if (!d || typeof d !== 'object' || !Array.isArray(d.data)) throw invalid('The endpoint answered without embedding data.');
  if (d.data.length !== request.input.length) {
    throw invalid(`Asked for ${request.input.length} embeddings, got ${d.data.length}.`);
  }
  const vectors: number[][] = new Array(request.input.length);
  for (const item of d.data as Array<{ index?: number; embedding?: unknown }>) {
    const index = typeof item?.index === 'number' ? item.index : -1;
    if (index < 0 || index >= vectors.length || !Array.isArray(item.embedding)) throw invalid('An embedding is missing or malformed.');
    vectors[index] = item.embedding as number[];
  }
  for (let i = 0; i < vectors.length; i++) if (!vectors[i]) throw invalid(`Embedding ${i} is missing.`);
  return {
    vectors,
    model: typeof d.model === 'string' && d.model !== '' ? d.model : request.model,
    usage: { input: count(d.usage?.prompt_tokens), output: 0, cached_input: 0 },
  };
}

export function createOpenAIProvider(settings: ProviderSettings, options?: OpenAIProviderOptions): OpenAIProvider {
  return new OpenAIProvider(settings, options);
}
