import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Budget } from '../../../src/llm/budget.js';
import { Limiter } from '../../../src/llm/limiter.js';
import { replayJournals } from '../../../src/llm/journal.js';
import { OfflineProvider } from '../../../src/llm/offline-provider.js';
import { OpenAIProvider } from '../../../src/llm/openai-provider.js';
import { createPricing } from '../../../src/llm/pricing.js';
import { createLlmService, type LlmServiceOptions } from '../../../src/llm/service.js';
import { LlmError, type CompletionRequest, type ProviderSettings } from '../../../src/llm/types.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { FakeClock } from './fake-clock.js';
import { context, KEY_ENV, MemoryCache, MemoryRecorder, testSettings } from './memory-stores.js';

const schema = { type: 'object', properties: { label: { enum: ['a', 'b'] } }, required: ['label'] };
const rowRequest = (i: number): CompletionRequest => ({
  params: { model: 'gpt-4o-mini', temperature: 0 },
  messages: [{ role: 'user', content: `Label row number ${i}` }],
  output_schema: schema,
});

let server: FakeOpenAI;
let dir: string;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({ latencyMs: 0, failFirst: undefined, modelFaults: undefined });
  server.resetStats();
  dir = mkdtempSync(path.join(tmpdir(), 'loom-llm-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup(overrides: Partial<ProviderSettings> = {}, options: Partial<LlmServiceOptions> = {}) {
  const settings = testSettings({ base_url: server.baseURL, ...overrides });
  const cache = new MemoryCache();
  const recorder = new MemoryRecorder();
  const service = createLlmService({
    provider: new OpenAIProvider(settings, { env: KEY_ENV }),
    settings,
    cache,
    recorder,
    pricing: createPricing(),
    ...options,
  });
  return { service, cache, recorder, settings };
}

const sent = () => server.stats().byPath['/v1/chat/completions'] ?? 0;

describe('cache', () => {
  it('serves a repeated request from the cache at zero cost without sending anything', async () => {
    const { service, cache, recorder } = setup();
    const first = await service.complete(rowRequest(1), context());
    expect(first.cached).toBe(false);
    expect(first.cost_usd).toBeGreaterThan(0);
    await service.flush();
    expect(cache.entries.size).toBe(1);

    const { service: second, recorder: recorder2 } = setupWithCache(cache);
    const hit = await second.complete(rowRequest(1), context({ row_key: 'r9' }));
    expect(hit).toMatchObject({ cached: true, cost_usd: 0, attempts: 0, cache_key: first.cache_key, model: 'gpt-4o-mini' });
    expect(hit.response).toEqual(first.response);
    expect(sent()).toBe(1);
    await second.flush();
    expect(recorder2.records).toHaveLength(1);
    expect(recorder2.records[0]).toMatchObject({ status: 'cache_hit', attempt: 0, cost_usd: 0, tokens_in: 0, row_key: 'r9' });
    expect(second.stats()).toMatchObject({ requests: 0, cache_hits: 1, cost_usd: 0 });
    expect(recorder.records).toHaveLength(1);
  });

  it('serves answers written earlier in the same run before they are flushed', async () => {
    const { service, cache } = setup();
    await service.complete(rowRequest(1), context());
    const again = await service.complete(rowRequest(1), context());
    expect(again.cached).toBe(true);
    expect(cache.entries.size).toBe(0);
    expect(sent()).toBe(1);
  });

  it('read_cache: false sends a fresh request and still writes the answer', async () => {
    const { service, cache } = setup();
    await service.complete(rowRequest(1), context());
    const fresh = await service.complete(rowRequest(1), context(), { read_cache: false });
    expect(fresh.cached).toBe(false);
    expect(sent()).toBe(2);
    await service.flush();
    expect(cache.entries.size).toBe(1);
  });

  it('batches concurrent lookups into one getMany', async () => {
    const { service, cache } = setup({ concurrency: 64 });
    await Promise.all(Array.from({ length: 64 }, (_, i) => service.complete(rowRequest(i), context({ row_key: String(i) }))));
    expect(cache.getManyCalls).toHaveLength(1);
    expect(cache.getManyCalls[0]).toHaveLength(64);
  });

  it('sends identical concurrent requests once and shares the answer', async () => {
    server.setOptions({ latencyMs: 30 });
    const { service } = setup();
    const outcomes = await Promise.all([1, 2, 3].map(() => service.complete(rowRequest(7), context())));
    expect(sent()).toBe(1);
    expect(outcomes.filter((o) => o.cached)).toHaveLength(2);
    expect(outcomes.filter((o) => o.cost_usd! > 0)).toHaveLength(1);
    expect(service.stats().cache_hits).toBe(2);
  });

  it('uses a cached fallback-model answer instead of calling the failing primary again', async () => {
    server.setOptions({ modelFaults: { 'gpt-4o-mini': 'server_error' } });
    const { service, cache } = setup({ max_retries: 0 });
    const first = await service.complete(rowRequest(1), context(), { fallback_models: ['gpt-4o'] });
    expect(first.model).toBe('gpt-4o');
    await service.flush();
    const { service: second } = setupWithCache(cache);
    server.resetStats();
    const hit = await second.complete(rowRequest(1), context(), { fallback_models: ['gpt-4o'] });
    expect(hit).toMatchObject({ cached: true, model: 'gpt-4o', cache_key: first.cache_key });
    expect(sent()).toBe(0);
  });

  it('caches embeddings by model and input', async () => {
    const { service } = setup();
    const req = { model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] };
    const a = await service.embed(req, context({ stage: 'evaluate' }));
    const b = await service.embed(req, context({ stage: 'evaluate' }));
    const c = await service.embed({ ...req, input: ['alpha beta'] }, context({ stage: 'evaluate' }));
    expect(a.cached).toBe(false);
    expect(b.cached).toBe(true);
    expect(b.response.vectors).toEqual(a.response.vectors);
    expect(c.cache_key).not.toBe(a.cache_key);
    expect(server.stats().byPath['/v1/embeddings']).toBe(2);
  });

  function setupWithCache(cache: MemoryCache) {
    const settings = testSettings({ base_url: server.baseURL });
    const recorder = new MemoryRecorder();
    const service = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache, recorder, pricing: createPricing() });
    return { service, recorder };
  }
});

describe('budgets', () => {
  it('refuses a call that would exceed a budget without sending anything', async () => {
    const { service, recorder } = setup();
    const budget = new Budget('node', 0.000001);
    const err = await service.complete({ ...rowRequest(1), params: { model: 'gpt-4o', max_tokens: 1000 } }, context({ budgets: [budget] })).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).kind).toBe('budget');
    expect((err as LlmError).message).toMatch(/Budget "node" would be exceeded/);
    expect(sent()).toBe(0);
    expect(budget.spent_usd).toBe(0);
    expect(budget.reserved_usd).toBe(0);
    await service.flush();
    expect(recorder.records[0]).toMatchObject({ status: 'budget', attempt: 0, cost_usd: 0 });
  });

  it('charges every budget in the context the actual cost and releases the reservation', async () => {
    const { service } = setup();
    const node = new Budget('node', 1);
    const run = new Budget('run', null);
    const outcome = await service.complete(rowRequest(1), context({ budgets: [node, run] }));
    expect(outcome.cost_usd).toBeGreaterThan(0);
    expect(node.spent_usd).toBeCloseTo(outcome.cost_usd!, 12);
    expect(run.spent_usd).toBeCloseTo(outcome.cost_usd!, 12);
    expect(node.reserved_usd).toBe(0);
  });

  it('releases the reservation and charges nothing when the call fails', async () => {
    server.setOptions({ failFirst: 10, failFault: 'bad_request' });
    const { service } = setup();
    const node = new Budget('node', 1);
    await service.complete(rowRequest(1), context({ budgets: [node] })).catch(() => undefined);
    expect(node.spent_usd).toBe(0);
    expect(node.reserved_usd).toBe(0);
  });

  it('stops sending once spending reaches the limit', async () => {
    const { service } = setup({ concurrency: 1 });
    const first = await service.complete(rowRequest(0), context());
    const budget = new Budget('run', first.cost_usd! * 3.5);
    const results = [];
    for (let i = 1; i <= 10; i++) results.push(await service.complete(rowRequest(i), context({ budgets: [budget] })).then(() => 'ok', (e: LlmError) => e.kind));
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(results.filter((r) => r === 'ok').length).toBeLessThanOrEqual(3);
    expect(results.at(-1)).toBe('budget');
    expect(budget.spent_usd).toBeLessThanOrEqual(budget.limit_usd!);
  });
});

describe('budgets under concurrency', () => {
  it('waits for reservations in flight instead of refusing, and learns the output size from the first answers', async () => {
    server.setOptions({ latencyMs: 20 });
    const { service } = setup({ concurrency: 8 });
    const first = await service.complete(rowRequest(0), context({ node_id: 'model.demo.other' }));
    // Two reservations of 512 output tokens fit (gpt-4o-mini: $0.60 per 1M output tokens), and 100+ real answers.
    const budget = new Budget('model demo', (2.5 * 512 * 0.6) / 1e6);
    expect(first.cost_usd! * 100).toBeLessThan(budget.limit_usd!);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => service.complete(rowRequest(i + 1), context({ budgets: [budget] })).then(() => 'ok', (e: LlmError) => e.message)),
    );
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    expect(budget.reserved_usd).toBeCloseTo(0, 12);

    // Spending, not reservations, ends it: the refusal says what is spent.
    server.setOptions({ latencyMs: 0 });
    let refusal: string | undefined;
    for (let i = 41; i <= 1000 && !refusal; i++) {
      refusal = await service.complete(rowRequest(i), context({ budgets: [budget] })).then(() => undefined, (e: LlmError) => e.message);
    }
    expect(refusal).toMatch(/^Budget "model demo" would be exceeded: \$0\.\d{4} spent of \$0\.\d{4}, and this call is estimated at \$0\.\d{6} \(\d+ input \+ \d+ output tokens\)\.$/);
    expect(budget.spent_usd).toBeLessThanOrEqual(budget.limit_usd!);
    expect(budget.spent_usd).toBeGreaterThan(budget.limit_usd! * 0.9);
  });
});

describe('limits', () => {
  it('never has more requests in flight than the concurrency setting', async () => {
    server.setOptions({ latencyMs: 20 });
    const { service } = setup({ concurrency: 4 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => service.complete(rowRequest(i), context())));
    expect(server.stats().maxInFlight).toBe(4);
  });

  it('spaces requests out to the requests-per-minute limit once the burst allowance is spent', async () => {
    // 2 per second; the bucket starts with 120. The limiter's clock only moves when the test says so.
    const clock = new FakeClock();
    const limiter = new Limiter({ concurrency: 50, rpm: 120 }, clock);
    const { service } = setup({ rpm: 120, concurrency: 50 }, { limiter });
    let answered = 0;
    const calls = Array.from({ length: 122 }, (_, i) => service.complete(rowRequest(i), context()).then(() => answered++));
    await vi.waitFor(() => expect(answered).toBe(120), { timeout: 20_000 });
    expect(sent()).toBe(120);
    expect(limiter.waiting).toBe(2);
    // The two beyond the bucket wait for it to refill at 2/s: one at 500 ms, the next at 1,000 ms.
    await clock.advance(499);
    expect(limiter.waiting).toBe(2);
    await clock.advance(1);
    expect(limiter.waiting).toBe(1);
    await vi.waitFor(() => expect(answered).toBe(121), { timeout: 20_000 });
    await clock.advance(499);
    expect(limiter.waiting).toBe(1);
    await clock.advance(1);
    expect(limiter.waiting).toBe(0);
    await Promise.all(calls);
    expect(sent()).toBe(122);
  });
});

describe('pricing and stats', () => {
  it('adds up tokens and dollars and lists unpriced models without inventing a price', async () => {
    const { service, recorder } = setup();
    const priced = await service.complete(rowRequest(1), context());
    const unpriced = await service.complete({ ...rowRequest(2), params: { model: 'llama3.1:8b' } }, context());
    expect(unpriced.cost_usd).toBeNull();
    const stats = service.stats();
    expect(stats.unpriced_models).toEqual(['llama3.1:8b']);
    expect(stats.cost_usd).toBeCloseTo(priced.cost_usd!, 12);
    expect(stats.tokens_in).toBe(priced.response.usage.input + unpriced.response.usage.input);
    await service.flush();
    expect(recorder.records.find((r) => r.model === 'llama3.1:8b')!.cost_usd).toBeNull();
  });

  it('offline answers cost exactly zero and are never unpriced', async () => {
    const settings = testSettings({ provider: 'offline' });
    const service = createLlmService({ provider: new OfflineProvider(), settings, cache: new MemoryCache(), recorder: new MemoryRecorder(), pricing: createPricing() });
    expect(service.offline).toBe(true);
    const outcome = await service.complete({ ...rowRequest(1), params: { model: 'my-local-model' } }, context());
    expect(outcome.cost_usd).toBe(0);
    expect(service.stats().unpriced_models).toEqual([]);
  });
});

describe('journal', () => {
  it('journals each answer before returning it, and replays it after a crash', async () => {
    const journalDir = path.join(dir, 'journal');
    const { service, cache, recorder } = setup({}, { journalDir, flushEvery: 1_000_000, flushIntervalMs: 60_000 });
    const outcome = await service.complete(rowRequest(1), context());
    await service.complete(rowRequest(2), context());
    // The "crash": nothing was flushed to the stores...
    expect(cache.entries.size).toBe(0);
    expect(recorder.records).toHaveLength(0);
    const files = readdirSync(journalDir);
    expect(files).toHaveLength(1);
    // ...and the last write was cut short.
    const file = path.join(journalDir, files[0]!);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(2);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, text + '{"entry":{"cache_key":"trunc');

    const freshCache = new MemoryCache();
    const freshRecorder = new MemoryRecorder();
    const result = await replayJournals(journalDir, freshCache, freshRecorder);
    expect(result).toEqual({ files: 1, entries: 2, records: 2, skipped_lines: 1, skipped_files: [expect.stringMatching(/\.ndjson$/)] });
    expect(freshCache.entries.get(outcome.cache_key)!.response).toEqual(outcome.response);
    expect(freshRecorder.records.map((r) => r.status)).toEqual(['success', 'success']);
    expect(readdirSync(journalDir)).toEqual([]);

    // A service on the replayed cache pays nothing for the same row.
    server.resetStats();
    const settings = testSettings({ base_url: server.baseURL });
    const after = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache: freshCache, recorder: freshRecorder, pricing: createPricing() });
    expect((await after.complete(rowRequest(1), context())).cached).toBe(true);
    expect(sent()).toBe(0);
  });

  it('deletes journal segments once their contents are in the stores', async () => {
    const journalDir = path.join(dir, 'journal');
    const { service, cache } = setup({}, { journalDir, flushEvery: 1_000_000, flushIntervalMs: 60_000 });
    await service.complete(rowRequest(1), context());
    expect(readdirSync(journalDir)).toHaveLength(1);
    await service.flush();
    expect(cache.entries.size).toBe(1);
    expect(readdirSync(journalDir)).toHaveLength(0);
    await service.complete(rowRequest(2), context());
    expect(readdirSync(journalDir)).toHaveLength(1);
    await service.close();
    expect(readdirSync(journalDir)).toHaveLength(0);
  });

  it('keeps the journal and the buffered data when a store write fails, and retries later', async () => {
    const journalDir = path.join(dir, 'journal');
    const cache = new MemoryCache();
    let failNext = true;
    const flaky = {
      getMany: cache.getMany.bind(cache),
      putMany: async (entries: Parameters<MemoryCache['putMany']>[0]) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        return cache.putMany(entries);
      },
    };
    const settings = testSettings({ base_url: server.baseURL });
    const service = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache: flaky, recorder: new MemoryRecorder(), pricing: createPricing(), journalDir, flushEvery: 1_000_000 });
    await service.complete(rowRequest(1), context());
    await expect(service.flush()).rejects.toThrow('disk full');
    expect(readdirSync(journalDir)).toHaveLength(1);
    await service.flush();
    expect(cache.entries.size).toBe(1);
    expect(readdirSync(journalDir)).toHaveLength(0);
  });

  it('flushes on its own once enough entries are buffered', async () => {
    const { service, cache, recorder } = setup({ concurrency: 8 }, { flushEvery: 10, flushIntervalMs: 60_000 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => service.complete(rowRequest(i), context())));
    await new Promise((r) => setTimeout(r, 20));
    expect(cache.putManyCalls).toBeGreaterThanOrEqual(1);
    expect(cache.entries.size + recorder.records.length).toBeGreaterThanOrEqual(10);
  });
});
