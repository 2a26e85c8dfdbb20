/** The service driving the real openai client (and the direct transport) against injected faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIProvider } from '../../../src/llm/openai-provider.js';
import { createPricing } from '../../../src/llm/pricing.js';
import { createLlmService, type LlmServiceOptions } from '../../../src/llm/service.js';
import { LlmError, type CompletionRequest, type ProviderSettings } from '../../../src/llm/types.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { context, KEY_ENV, MemoryCache, MemoryRecorder, testSettings } from './memory-stores.js';

const request: CompletionRequest = {
  params: { model: 'gpt-4o-mini', temperature: 0 },
  messages: [{ role: 'user', content: 'Is this review positive? "Loved it."' }],
  output_schema: { type: 'object', properties: { positive: { type: 'boolean' } }, required: ['positive'] },
};

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({ failFirst: undefined, failRequests: undefined, failFault: undefined, modelFaults: undefined, retryAfterMs: undefined, retryAfterSeconds: undefined, latencyMs: 0 });
  server.resetStats();
});

function setup(transport: 'sdk' | 'direct', overrides: Partial<ProviderSettings> = {}, options: Pick<LlmServiceOptions, 'sleep'> = {}) {
  const settings = testSettings({ base_url: server.baseURL, transport, ...overrides });
  const cache = new MemoryCache();
  const recorder = new MemoryRecorder();
  const service = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache, recorder, pricing: createPricing(), ...options });
  return { service, cache, recorder };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return err as LlmError;
  }
  throw new Error('expected the call to fail');
}

const chatRequests = () => server.stats().byPath['/v1/chat/completions'] ?? 0;

describe.each(['sdk', 'direct'] as const)('retries over the %s transport', (transport) => {
  it('honors retry-after-ms on a 429 before retrying, then succeeds', async () => {
    server.setOptions({ failFirst: 1, failFault: 'rate_limit', retryAfterMs: 80 });
    const sleeps: number[] = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    const { service, recorder } = setup(transport, { backoff_base_ms: 1, backoff_max_ms: 1 }, { sleep });
    const outcome = await service.complete(request, context());
    // The wait before the retry is the server's retry-after-ms, not the 1 ms backoff.
    expect(sleeps).toEqual([80]);
    expect(outcome.attempts).toBe(2);
    expect(chatRequests()).toBe(2);
    await service.flush();
    expect(recorder.records.map((r) => [r.attempt, r.status, r.http_status])).toEqual([
      [1, 'rate_limit', 429],
      [2, 'success', 200],
    ]);
    expect(service.stats()).toMatchObject({ requests: 2, retries: 1, failures: 0 });
  });

  it('retries a 500 and succeeds', async () => {
    server.setOptions({ failFirst: 1, failFault: 'server_error' });
    const { service } = setup(transport);
    const outcome = await service.complete(request, context());
    expect(JSON.parse(outcome.response.content)).toHaveProperty('positive');
    expect(outcome.attempts).toBe(2);
  });

  it('retries after a hang times out, then succeeds', async () => {
    server.setOptions({ failFirst: 1, failFault: 'hang' });
    const { service, recorder } = setup(transport, { timeout_ms: 150 });
    const outcome = await service.complete(request, context());
    expect(outcome.attempts).toBe(2);
    await service.flush();
    expect(recorder.records[0]).toMatchObject({ attempt: 1, status: 'timeout', http_status: null });
    expect(recorder.records[0]!.latency_ms).toBeGreaterThanOrEqual(140);
  });

  it('gives up after max_retries retries with the last error', async () => {
    server.setOptions({ failFirst: 100, failFault: 'unavailable' });
    const { service, recorder } = setup(transport, { max_retries: 3 });
    const err = await failure(service.complete(request, context()));
    expect(err.kind).toBe('server');
    expect(err.status).toBe(503);
    expect(chatRequests()).toBe(4);
    await service.flush();
    expect(recorder.records.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(service.stats()).toMatchObject({ requests: 4, retries: 3, failures: 1, cost_usd: 0 });
  });

  it('never retries a 401', async () => {
    server.setOptions({ failFirst: 100, failFault: 'unauthorized' });
    const { service } = setup(transport, { max_retries: 5 });
    const err = await failure(service.complete(request, context(), { fallback_models: ['gpt-4o'] }));
    expect(err.kind).toBe('auth');
    expect(chatRequests()).toBe(1);
  });

  it('never retries a 400', async () => {
    server.setOptions({ failFirst: 100, failFault: 'bad_request' });
    const { service } = setup(transport, { max_retries: 5 });
    expect((await failure(service.complete(request, context()))).kind).toBe('bad_request');
    expect(chatRequests()).toBe(1);
  });

  it('retries a malformed 2xx body, then gives up with invalid_response', async () => {
    server.setOptions({ failFirst: 1, failFault: 'malformed_body' });
    const { service } = setup(transport, { max_retries: 2 });
    expect((await service.complete(request, context())).attempts).toBe(2);

    server.resetStats();
    server.setOptions({ failFirst: 100 });
    expect((await failure(service.complete({ ...request, messages: [{ role: 'user', content: 'other' }] }, context()))).kind).toBe('invalid_response');
    expect(chatRequests()).toBe(3);
  });

  it('falls back to the next model once the primary is exhausted', async () => {
    server.setOptions({ modelFaults: { 'gpt-4o-mini': 'server_error' } });
    const { service, recorder } = setup(transport, { max_retries: 1 });
    const outcome = await service.complete(request, context(), { fallback_models: ['gpt-4.1-mini'] });
    expect(outcome.model).toBe('gpt-4.1-mini');
    expect(outcome.attempts).toBe(3);
    expect(server.stats().byModel).toEqual({ 'gpt-4o-mini': 2, 'gpt-4.1-mini': 1 });
    await service.flush();
    expect(recorder.records.map((r) => `${r.model}#${r.attempt}:${r.status}`)).toEqual([
      'gpt-4o-mini#1:server',
      'gpt-4o-mini#2:server',
      'gpt-4.1-mini#1:success',
    ]);
  });

  it('falls back immediately when the primary model does not exist', async () => {
    server.setOptions({ modelFaults: { 'gpt-9': 'model_not_found' } });
    const { service } = setup(transport, { max_retries: 4 });
    const outcome = await service.complete({ ...request, params: { ...request.params, model: 'gpt-9' } }, context(), { fallback_models: ['gpt-4o-mini'] });
    expect(outcome.model).toBe('gpt-4o-mini');
    expect(server.stats().byModel).toEqual({ 'gpt-9': 1, 'gpt-4o-mini': 1 });
  });
});
