/**
 * `LlmService`: the one door to LLMs. Per call: cache key → cache (batched reads) → budget reservation →
 * limiter → provider through retries → fallback models → journal → buffered cache entry and call records.
 */
import { randomUUID } from 'node:crypto';
import { budgetExceeded, OutputTokenEstimate } from './budget.js';
import { embeddingKeyer, memoCompletionKeyer } from './cache-key.js';
import { CacheLookup } from './cache-lookup.js';
import { Limiter } from './limiter.js';
import type { Pricing } from './pricing.js';
import { type AttemptReport, withRetry } from './retry.js';
import type {
  BudgetScope,
  CacheEntry,
  CacheStore,
  CallContext,
  CallRecorder,
  CompleteOptions,
  CompletionOutcome,
  EmbeddingOutcome,
  JournalSink,
  LlmService,
  LlmStats,
} from './service-types.js';
import { countChatTokensWith, estimateChatTokensCheap, estimateTokensCheap, loadTokenCounter, loadedTokenCounter } from './tokens.js';
import {
  type CallRecord,
  type CompletionRequest,
  type CompletionResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  LlmError,
  type Provider,
  type ProviderSettings,
  type TokenUsage,
} from './types.js';
import { WriteBuffer } from './write-buffer.js';

export interface LlmServiceOptions {
  provider: Provider;
  settings: ProviderSettings;
  cache: CacheStore;
  recorder: CallRecorder;
  pricing: Pricing;
  /** Where the crash journal goes (e.g. `.loom/journal`); no journal when undefined. */
  journalDir?: string;
  /** Loads journal segments into the stores directly (the warehouse's fast path); optional. */
  journalSink?: JournalSink;
  /** Epoch milliseconds (tests inject a fake clock). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Aborts queued and in-flight calls when the build stops. */
  signal?: AbortSignal;
  /** Share one limiter between services that use the same provider account. */
  limiter?: Limiter;
  /** Buffered entries + records that trigger a write (default 500). */
  flushEvery?: number;
  /** Longest time buffered data waits for a write (default 1000 ms). */
  flushIntervalMs?: number;
  /** Background write failures (the data stays queued and the journal keeps it). */
  onFlushError?: (error: unknown) => void;
}

/** `LlmService` plus the extras the CLI uses. */
export interface LoomLlmService extends LlmService {
  /** Flushes and closes journal files. */
  close(): Promise<void>;
}

type Kind = 'completion' | 'embedding';

/** Output tokens assumed for a budget/TPM estimate before any answer was seen and without max_tokens. */
const DEFAULT_OUTPUT_TOKENS = 512;
/** Requests hashed into cache keys between two yields to the event loop in prefetch(). */
const PREFETCH_KEY_SLICE = 128;

interface Network<R> {
  kind: Kind;
  models: readonly string[];
  keys: readonly string[];
  send(model: string): Promise<R>;
  usage(response: R): TokenUsage;
  answeringModel(response: R, requested: string): string;
  estimateInputTokens(): number;
  maxOutputTokens: number | undefined;
}

interface NetworkResult<R> {
  response: R;
  key: string;
  model: string;
  cost: number | null;
  attempts: number;
}

export function createLlmService(options: LlmServiceOptions): LoomLlmService {
  return new Service(options);
}

class Service implements LoomLlmService {
  readonly offline: boolean;
  private readonly provider: Provider;
  private readonly settings: ProviderSettings;
  private readonly pricing: Pricing;
  private readonly limiter: Limiter;
  private readonly lookup: CacheLookup;
  private readonly buffer: WriteBuffer;
  private readonly now: () => number;
  private readonly sleep?: (ms: number) => Promise<void>;
  private readonly random?: () => number;
  private readonly signal?: AbortSignal;
  private readonly inflight = new Map<string, Promise<NetworkResult<unknown>>>();
  private readonly outputTokens = new Map<string, { total: number; count: number }>();
  private readonly budgetOutput = new OutputTokenEstimate();
  private readonly unpriced = new Set<string>();
  /** The first authentication failure: the key is wrong for every request, so later ones are refused unsent. */
  private authFailure: LlmError | null = null;
  private readonly counters = { requests: 0, cache_hits: 0, retries: 0, failures: 0, tokens_in: 0, tokens_out: 0, tokens_cached: 0, cost_usd: 0 };

  constructor(options: LlmServiceOptions) {
    this.provider = options.provider;
    this.offline = options.provider.offline;
    this.settings = options.settings;
    this.pricing = options.pricing;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep;
    this.random = options.random;
    this.signal = options.signal;
    this.limiter = options.limiter ?? new Limiter({ concurrency: options.settings.concurrency, rpm: options.settings.rpm, tpm: options.settings.tpm });
    this.lookup = new CacheLookup(options.cache);
    this.buffer = new WriteBuffer({
      cache: options.cache,
      recorder: options.recorder,
      lookup: this.lookup,
      // Offline answers cost nothing: no need to protect them against a crash.
      journalDir: options.provider.offline ? undefined : options.journalDir,
      journalSink: options.journalSink,
      flushEvery: options.flushEvery ?? 2000,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      onError: options.onFlushError,
    });
  }

  async complete(request: CompletionRequest, context: CallContext, options: CompleteOptions = {}): Promise<CompletionOutcome> {
    const started = this.now();
    const models = modelList(request.params.model, options.fallback_models);
    const keyer = memoCompletionKeyer(this.provider.name, request);
    const keys = models.map(keyer);
    const network: Network<CompletionResponse> = {
      kind: 'completion',
      models,
      keys,
      send: (model) => {
        const r = model === request.params.model ? request : { ...request, params: { ...request.params, model } };
        return this.provider.complete(r, { timeoutMs: options.timeout_ms ?? this.settings.timeout_ms, signal: this.signal });
      },
      usage: (r) => r.usage,
      answeringModel: (r, requested) => r.model || requested,
      estimateInputTokens: () => {
        const counter = loadedTokenCounter(request.params.model);
        return counter ? countChatTokensWith(counter, request.messages) : estimateChatTokensCheap(request.messages);
      },
      maxOutputTokens: request.params.max_tokens,
    };
    const result = await this.call(network, context, options, started);
    const response = result.response;
    return {
      response,
      cache_key: result.key,
      cached: result.attempts === 0,
      cost_usd: result.cost,
      model: result.model,
      latency_ms: this.now() - started,
      attempts: result.attempts,
    };
  }

  async embed(request: EmbeddingRequest, context: CallContext, options: CompleteOptions = {}): Promise<EmbeddingOutcome> {
    const started = this.now();
    const models = modelList(request.model, options.fallback_models);
    const keyer = embeddingKeyer(this.provider.name, request);
    const keys = models.map(keyer);
    const network: Network<EmbeddingResponse> = {
      kind: 'embedding',
      models,
      keys,
      send: (model) =>
        this.provider.embed(model === request.model ? request : { ...request, model }, { timeoutMs: options.timeout_ms ?? this.settings.timeout_ms, signal: this.signal }),
      usage: (r) => r.usage,
      answeringModel: (r, requested) => r.model || requested,
      estimateInputTokens: () => {
        const counter = loadedTokenCounter(request.model);
        let total = 0;
        for (const text of request.input) total += counter ? counter(text) : estimateTokensCheap(text);
        return total;
      },
      maxOutputTokens: 0,
    };
    const result = await this.call(network, context, options, started);
    return {
      response: result.response,
      cache_key: result.key,
      cached: result.attempts === 0,
      cost_usd: result.cost,
      latency_ms: this.now() - started,
      attempts: result.attempts,
    };
  }

  async prefetch(requests: readonly CompletionRequest[], options: CompleteOptions = {}): Promise<void> {
    if (options.read_cache === false || requests.length === 0) return;
    const keys: string[] = [];
    for (let i = 0; i < requests.length; i++) {
      const keyer = memoCompletionKeyer(this.provider.name, requests[i]!);
      for (const model of modelList(requests[i]!.params.model, options.fallback_models)) keys.push(keyer(model));
      // Hashing a whole chunk's requests at once holds the event loop for tens of ms while answers wait to be read.
      if (i % PREFETCH_KEY_SLICE === PREFETCH_KEY_SLICE - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await this.lookup.prefetch(keys);
  }

  flush(): Promise<void> {
    return this.buffer.flush();
  }

  async close(): Promise<void> {
    await this.buffer.close();
    (this.provider as Provider & { close?: () => void }).close?.();
  }

  stats(): LlmStats {
    return { ...this.counters, unpriced_models: [...this.unpriced].sort() };
  }

  private async call<R>(network: Network<R>, context: CallContext, options: CompleteOptions, started: number): Promise<NetworkResult<R>> {
    const readCache = options.read_cache !== false;
    if (readCache) {
      const hit = await this.lookup.get(network.keys);
      if (hit) return this.cacheHit<R>(hit, context, started);
      // An identical call already on the wire: share its answer instead of paying twice.
      const shared = this.inflight.get(network.keys[0]!) as Promise<NetworkResult<R>> | undefined;
      if (shared) {
        const result = await shared;
        return this.sharedHit(result, context, started);
      }
    }
    const promise = this.send(network, context);
    if (readCache) {
      const key = network.keys[0]!;
      this.inflight.set(key, promise as Promise<NetworkResult<unknown>>);
      promise.then(
        () => this.inflight.delete(key),
        () => this.inflight.delete(key),
      );
    }
    const result = await promise;
    const wait = this.buffer.backpressure();
    if (wait) await wait;
    return result;
  }

  private cacheHit<R>(entry: CacheEntry, context: CallContext, started: number): NetworkResult<R> {
    this.counters.cache_hits++;
    const model = entry.model;
    this.buffer.addRecords([this.record(context, entry.cache_key, model, 0, 'cache_hit', null, null, 0, started, this.now() - started, null)]);
    return { response: entry.response as R, key: entry.cache_key, model, cost: 0, attempts: 0 };
  }

  private sharedHit<R>(result: NetworkResult<R>, context: CallContext, started: number): NetworkResult<R> {
    this.counters.cache_hits++;
    this.buffer.addRecords([this.record(context, result.key, result.model, 0, 'cache_hit', null, null, 0, started, this.now() - started, null)]);
    return { ...result, cost: 0, attempts: 0 };
  }

  /** The cost to reserve for a call, and the tokens it assumes (output: max_tokens, else what the node's answers used). */
  private estimateCost<R>(network: Network<R>, model: string, nodeId: string): { usd: number; input: number; output: number } {
    const input = network.estimateInputTokens();
    const output = network.maxOutputTokens ?? this.budgetOutput.estimate(nodeId, model, DEFAULT_OUTPUT_TOKENS);
    const price = this.pricing.priceOf(model);
    return { usd: price ? (input * price.input + output * price.output) / 1_000_000 : 0, input, output };
  }

  private meanOutputTokens(model: string): number {
    const seen = this.outputTokens.get(model);
    return seen && seen.count > 0 ? Math.ceil(seen.total / seen.count) : DEFAULT_OUTPUT_TOKENS;
  }

  private async reserve<R>(network: Network<R>, context: CallContext): Promise<number> {
    const budgets = context.budgets;
    let limited = false;
    for (const b of budgets) if (b.limit_usd !== null) limited = true;
    if (budgets.length === 0) return 0;
    if (!limited) {
      for (const budget of budgets) budget.tryReserve(0);
      return 0;
    }
    const model = network.models[0]!;
    if (!loadedTokenCounter(model)) await loadTokenCounter(model).catch(() => undefined);
    for (;;) {
      // Estimated again after each wait: the answers that settled meanwhile teach the node's output size.
      const estimate = this.estimateCost(network, model, context.node_id);
      const blocking = reserveAll(budgets, estimate.usd);
      if (!blocking) return estimate.usd;
      if (!blocking.settled || blocking.exhaustedFor?.(estimate.usd) !== false) throw budgetExceeded(blocking, estimate.usd, estimate);
      await blocking.settled();
    }
  }

  private tokensForLimiter<R>(network: Network<R>, model: string): number {
    if (!this.limiter.countsTokens) return 0;
    if (!loadedTokenCounter(model)) void loadTokenCounter(model).catch(() => undefined);
    return network.estimateInputTokens() + (network.maxOutputTokens ?? this.meanOutputTokens(model));
  }

  private async send<R>(network: Network<R>, context: CallContext): Promise<NetworkResult<R>> {
    if (this.authFailure) throw this.authFailure;
    let estimate: number;
    try {
      estimate = await this.reserve(network, context);
    } catch (err) {
      this.counters.failures++;
      const error = err as LlmError;
      const t = this.now();
      this.buffer.addRecords([this.record(context, network.keys[0]!, network.models[0]!, 0, 'budget', null, null, 0, t, 0, error.message)]);
      throw err;
    }
    let lastError: LlmError | null = null;
    let attemptsSent = 0;
    for (let i = 0; i < network.models.length; i++) {
      const model = network.models[i]!;
      const key = network.keys[i]!;
      const reports: AttemptReport[] = [];
      try {
        const tokens = this.tokensForLimiter(network, model);
        // A successful attempt keeps its limiter slot until its answer is journaled: otherwise a new request
        // could go out while an answer already paid for exists only in memory, and a kill -9 then loses it.
        const response = await withRetry(
          async () => {
            if (this.authFailure) {
              this.limiter.release();
              throw this.authFailure;
            }
            this.counters.requests++;
            try {
              return await network.send(model);
            } catch (error) {
              // Before the slot goes to the next request, so that request sees a wrong key and is not sent.
              if (error instanceof LlmError && error.kind === 'auth') this.authFailure ??= error;
              this.limiter.release();
              throw error;
            }
          },
          this.settings,
          {
            sleep: this.sleep,
            random: this.random,
            now: this.now,
            signal: this.signal,
            onAttempt: (r) => reports.push(r),
            beforeAttempt: () => (this.limiter.tryAcquire(tokens) ? undefined : this.limiter.acquire(tokens, this.signal)),
          },
        );
        attemptsSent += reports.length;
        this.counters.retries += reports.length - 1;
        try {
          const { result, journaled } = this.answered(network, context, response, model, key, reports, estimate, attemptsSent);
          if (journaled) await journaled;
          return result;
        } finally {
          this.limiter.release();
        }
      } catch (err) {
        const error = err instanceof LlmError ? err : new LlmError('invalid_response', String(err), { cause: err });
        attemptsSent += reports.length;
        this.counters.retries += Math.max(0, reports.length - 1);
        if (reports.length > 0) {
          void this.buffer.addAnswer(
            context.run_id,
            null,
            reports.map((r) => this.attemptRecord(context, key, model, r, null, null)),
          );
        }
        lastError = error;
        if (error.kind === 'auth') this.authFailure ??= error;
        if (!fallsBack(error)) break;
      }
    }
    for (const b of context.budgets) b.settle(estimate, 0);
    this.counters.failures++;
    if (!lastError) throw new LlmError('invalid_response', 'No model was tried.');
    // A copy per call: the same auth failure ends many calls, each with its own count of requests sent.
    const { kind, message, status, retryAfterMs } = lastError;
    throw new LlmError(kind, message, { status, retryAfterMs, cause: lastError, attempts: attemptsSent });
  }

  private answered<R>(
    network: Network<R>,
    context: CallContext,
    response: R,
    requested: string,
    key: string,
    reports: AttemptReport[],
    estimate: number,
    attemptsSent: number,
  ): { result: NetworkResult<R>; journaled: Promise<void> | null } {
    const usage = network.usage(response);
    const answering = network.answeringModel(response, requested);
    let cost = this.pricing.costOf(requested, usage);
    if (cost === null && answering !== requested) cost = this.pricing.costOf(answering, usage);
    if (cost === null && !this.provider.offline) this.unpriced.add(requested);
    if (this.provider.offline) cost = 0;
    const records = reports.map((r) => this.attemptRecord(context, key, requested, r, r.status === 'success' ? usage : null, r.status === 'success' ? cost : null));
    const entry: CacheEntry = {
      cache_key: key,
      kind: network.kind,
      provider: this.provider.name,
      model: requested,
      response: response as CompletionResponse | EmbeddingResponse,
      created_at: new Date(this.now()).toISOString(),
    };
    const journaled = this.buffer.addAnswer(context.run_id, entry, records);
    // Learned before settling: the calls that settle wakes re-estimate with it.
    if (network.kind === 'completion') this.budgetOutput.observe(context.node_id, requested, usage.output);
    for (const b of context.budgets) b.settle(estimate, cost ?? 0);
    this.counters.tokens_in += usage.input;
    this.counters.tokens_out += usage.output;
    this.counters.tokens_cached += usage.cached_input;
    if (cost !== null) this.counters.cost_usd += cost;
    if (network.kind === 'completion') {
      const seen = this.outputTokens.get(requested);
      if (seen) {
        seen.total += usage.output;
        seen.count++;
      } else this.outputTokens.set(requested, { total: usage.output, count: 1 });
    }
    return { result: { response, key, model: requested, cost, attempts: attemptsSent }, journaled };
  }

  private attemptRecord(
    context: CallContext,
    key: string,
    model: string,
    report: AttemptReport,
    usage: TokenUsage | null,
    cost: number | null,
  ): CallRecord {
    return this.record(
      context,
      key,
      model,
      report.attempt,
      report.status,
      report.http_status,
      usage,
      usage ? cost : 0,
      report.started_at,
      report.latency_ms,
      report.error ? report.error.message : null,
    );
  }

  private record(
    context: CallContext,
    key: string,
    model: string,
    attempt: number,
    status: string,
    httpStatus: number | null,
    usage: TokenUsage | null,
    cost: number | null,
    startedAt: number,
    latency: number,
    error: string | null,
  ): CallRecord {
    return {
      call_id: randomUUID(),
      run_id: context.run_id,
      node_id: context.node_id,
      row_key: context.row_key,
      stage: context.stage,
      evaluator: context.evaluator ?? null,
      cache_key: key,
      provider: this.provider.name,
      model,
      attempt,
      status,
      http_status: httpStatus,
      tokens_in: usage ? usage.input : 0,
      tokens_out: usage ? usage.output : 0,
      tokens_cached: usage ? usage.cached_input : 0,
      cost_usd: cost,
      latency_ms: latency,
      error,
      started_at: new Date(startedAt).toISOString(),
    };
  }
}

function modelList(primary: string, fallbacks: readonly string[] | undefined): string[] {
  if (!fallbacks || fallbacks.length === 0) return [primary];
  const out = [primary];
  for (const m of fallbacks) if (!out.includes(m)) out.push(m);
  return out;
}

/** Errors after which the next fallback model is worth a try. */
function fallsBack(error: LlmError): boolean {
  return error.retryable || error.kind === 'bad_request' || error.kind === 'invalid_response';
}

/** Reserves `estimate` in every budget, or none of them: returns the budget that refused, if one did. */
function reserveAll(budgets: readonly BudgetScope[], estimate: number): BudgetScope | null {
  for (let i = 0; i < budgets.length; i++) {
    if (budgets[i]!.tryReserve(estimate)) continue;
    for (let j = 0; j < i; j++) budgets[j]!.settle(estimate, 0);
    return budgets[i]!;
  }
  return null;
}
