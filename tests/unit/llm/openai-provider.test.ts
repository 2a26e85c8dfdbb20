import { Ajv } from 'ajv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIProvider, PLACEHOLDER_API_KEY, resolveOpenAICredentials } from '../../../src/llm/openai-provider.js';
import { createProvider } from '../../../src/llm/index.js';
import { cosineSimilarity } from '../../../src/llm/text-embedding.js';
import { LlmError, type CompletionRequest, type ProviderSettings } from '../../../src/llm/types.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { KEY_ENV, testSettings } from './memory-stores.js';

const schema = {
  type: 'object',
  properties: {
    sentiment: { enum: ['positive', 'negative', 'neutral'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    summary: { type: 'string' },
  },
  required: ['sentiment', 'confidence', 'summary'],
  additionalProperties: false,
};

const request: CompletionRequest = {
  params: { model: 'gpt-4o-mini', temperature: 0.2, max_tokens: 200, top_p: 0.9, seed: 7, extra: { reasoning_effort: 'low' } },
  messages: [
    { role: 'system', content: 'Classify the sentiment of the review.' },
    { role: 'user', content: 'The battery lasts for days and the screen is gorgeous.' },
  ],
  output_schema: schema,
  schema_name: 'review sentiment!',
};

const callOptions = { timeoutMs: 2_000 };

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return err as LlmError;
  }
  throw new Error('expected the call to fail');
}

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setOptions({
    faultFor: undefined,
    failFirst: undefined,
    modelFaults: undefined,
    rejectJsonSchema: false,
    rejectJsonObject: false,
    rejectMaxTokens: false,
    responder: undefined,
    latencyMs: 0,
    retryAfterMs: undefined,
    retryAfterSeconds: undefined,
    cachedTokensRatio: 0,
    errorMessages: undefined,
  });
  server.resetStats();
});

function provider(transport: 'sdk' | 'direct', overrides: Partial<ProviderSettings> = {}): OpenAIProvider {
  return new OpenAIProvider(testSettings({ base_url: server.baseURL, transport, ...overrides }), { env: KEY_ENV });
}

describe.each(['sdk', 'direct'] as const)('openai provider over the %s transport', (transport) => {
  it('sends every parameter and gets a schema-valid structured answer with usage', async () => {
    server.setOptions({ cachedTokensRatio: 0.5 });
    const p = provider(transport);
    expect(p.transport).toBe(transport);
    const answer = await p.complete(request, callOptions);
    const parsed = JSON.parse(answer.content);
    const validate = new Ajv().compile(schema);
    expect(validate(parsed)).toBe(true);
    expect(answer.model).toBe('gpt-4o-mini');
    expect(answer.finish_reason).toBe('stop');
    expect(answer.usage.input).toBeGreaterThan(5);
    expect(answer.usage.output).toBeGreaterThan(0);
    expect(answer.usage.cached_input).toBe(Math.floor(answer.usage.input * 0.5));

    const body = server.stats().bodies[0];
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 200,
      top_p: 0.9,
      seed: 7,
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'review_sentiment_', schema, strict: false } },
    });
    expect(body.messages).toEqual(request.messages);
  });

  it('answers the same messages with the same content', async () => {
    const p = provider(transport);
    const a = await p.complete(request, callOptions);
    const b = await p.complete(request, callOptions);
    const c = await p.complete({ ...request, messages: [{ role: 'user', content: 'Terrible, it broke after a day.' }] }, callOptions);
    expect(a.content).toBe(b.content);
    expect(c.content).not.toBe(a.content);
  });

  it('returns free text when no schema is asked for', async () => {
    const p = provider(transport);
    const answer = await p.complete({ params: { model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'Say something about llamas' }] }, callOptions);
    expect(server.stats().bodies[0].response_format).toBeUndefined();
    expect(answer.content).toMatch(/llamas/);
  });

  it.each([
    ['unauthorized', 'auth', 401],
    ['forbidden', 'auth', 403],
    ['bad_request', 'bad_request', 400],
    ['model_not_found', 'bad_request', 404],
    ['server_error', 'server', 500],
    ['bad_gateway', 'server', 502],
    ['unavailable', 'server', 503],
    ['rate_limit', 'rate_limit', 429],
  ] as const)('maps a %s answer to kind %s (status %i), sending exactly one request', async (fault, kind, status) => {
    server.setOptions({ failFirst: 1, failFault: fault });
    const err = await failure(provider(transport).complete(request, callOptions));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(server.stats().byPath['/v1/chat/completions']).toBe(1);
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates from 429s', async () => {
    const p = provider(transport);
    server.setOptions({ failFirst: 1, failFault: 'rate_limit', retryAfterMs: 50 });
    expect((await failure(p.complete(request, callOptions))).retryAfterMs).toBe(50);

    server.resetStats();
    server.setOptions({ retryAfterMs: undefined, retryAfterSeconds: 2 });
    expect((await failure(p.complete(request, callOptions))).retryAfterMs).toBe(2000);

    server.resetStats();
    server.setOptions({ retryAfterSeconds: new Date(Date.now() + 30_000).toUTCString() });
    const ms = (await failure(p.complete(request, callOptions))).retryAfterMs!;
    expect(ms).toBeGreaterThan(25_000);
    expect(ms).toBeLessThanOrEqual(30_000);
  });

  it('turns a hang into a timeout after timeoutMs', async () => {
    server.setOptions({ failFirst: 1, failFault: 'hang' });
    const err = await failure(provider(transport).complete(request, { timeoutMs: 150 }));
    expect(err.kind).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(server.stats().faults).toEqual({ hang: 1 });
  });

  it('maps a dropped connection and a refused port to connection errors', async () => {
    server.setOptions({ failFirst: 1, failFault: 'reset' });
    expect((await failure(provider(transport).complete(request, callOptions))).kind).toBe('connection');

    const closed = await startFakeOpenAI();
    const url = closed.baseURL;
    await closed.close();
    const p = new OpenAIProvider(testSettings({ base_url: url, transport }), { env: KEY_ENV });
    expect((await failure(p.complete(request, callOptions))).kind).toBe('connection');
  });

  it('maps a 200 with a broken body or no choices to invalid_response', async () => {
    server.setOptions({ failFirst: 1, failFault: 'malformed_body' });
    const broken = await failure(provider(transport).complete(request, callOptions));
    expect(broken.kind).toBe('invalid_response');
    expect(broken.retryable).toBe(true); // a garbled 2xx (a proxy cut it off) is transient

    server.resetStats();
    server.setOptions({ failFirst: 1, failFault: 'empty_choices' });
    expect((await failure(provider(transport).complete(request, callOptions))).message).toMatch(/without any choices/);

    server.resetStats();
    server.setOptions({ failFirst: undefined, responder: () => ({ object: 'chat.completion', choices: [{ index: 0 }] }) });
    expect((await failure(provider(transport).complete(request, callOptions))).kind).toBe('invalid_response');
  });

  it('passes content that is not JSON through untouched (the caller validates and repairs)', async () => {
    server.setOptions({ failFirst: 1, failFault: 'invalid_json_content' });
    const answer = await provider(transport).complete(request, callOptions);
    expect(() => JSON.parse(answer.content)).toThrow();
  });

  it('falls back to json_object when json_schema is rejected, and remembers it', async () => {
    server.setOptions({ rejectJsonSchema: true, jsonObjectSchema: schema });
    const p = provider(transport);
    const first = await p.complete(request, callOptions);
    expect(new Ajv().compile(schema)(JSON.parse(first.content))).toBe(true);
    expect(p.structuredOutputMode).toBe('json_object');
    await p.complete(request, callOptions);
    const bodies = server.stats().bodies;
    expect(bodies.map((b) => b.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
    expect(bodies[1].messages[0].role).toBe('system');
    expect(bodies[1].messages[0].content).toContain('"sentiment"');
    expect(bodies[1].messages).toHaveLength(2);
  });

  it('keeps json_schema when the endpoint rejects the schema itself, not the feature', async () => {
    server.setOptions({
      failFirst: 1,
      failFault: 'bad_request',
      errorMessages: { bad_request: "Invalid schema for response_format 'output': 'enum' must be a non-empty array." },
    });
    const p = provider(transport);
    const err = await failure(p.complete(request, callOptions));
    expect(err.kind).toBe('bad_request');
    expect(err.message).toMatch(/Invalid schema/);
    expect(p.structuredOutputMode).toBe('json_schema');
    expect(server.stats().bodies).toHaveLength(1);
  });

  it('drops response_format altogether when json_object is rejected too', async () => {
    server.setOptions({ rejectJsonSchema: true, rejectJsonObject: true });
    const p = provider(transport);
    await p.complete(request, callOptions);
    expect(p.structuredOutputMode).toBe('instructions');
    expect(server.stats().bodies.map((b) => b.response_format?.type)).toEqual(['json_schema', 'json_object', undefined]);
  });

  it('switches to max_completion_tokens for models that reject max_tokens', async () => {
    server.setOptions({ rejectMaxTokens: true });
    const p = provider(transport);
    await p.complete(request, callOptions);
    await p.complete(request, callOptions);
    const bodies = server.stats().bodies;
    expect(bodies).toHaveLength(3);
    expect(bodies[0].max_tokens).toBe(200);
    expect(bodies[1].max_completion_tokens).toBe(200);
    expect(bodies[1].max_tokens).toBeUndefined();
    expect(bodies[2].max_completion_tokens).toBe(200);
  });

  it('embeds, keeping input order, with similar texts closer than unrelated ones', async () => {
    const p = provider(transport);
    const texts = ['the battery life is great', 'great battery life overall', 'tax law in the eighteenth century'];
    const answer = await p.embed({ model: 'text-embedding-3-small', input: texts }, callOptions);
    expect(answer.vectors).toHaveLength(3);
    expect(answer.vectors[0]).toHaveLength(64);
    expect(answer.usage.input).toBeGreaterThan(0);
    expect(server.stats().bodies[0].encoding_format).toBe('float');
    const [a, b, c] = answer.vectors;
    expect(cosineSimilarity(a!, b!)).toBeGreaterThan(cosineSimilarity(a!, c!) + 0.2);
  });

  it('sends configured headers and the key as a bearer token', async () => {
    let seen: Record<string, unknown> = {};
    server.setOptions({
      responder: (_body, ctx) => {
        seen = ctx.headers;
        return undefined;
      },
    });
    await provider(transport, { headers: { 'HTTP-Referer': 'https://loom.dev', 'X-Title': 'loom' } }).complete(request, callOptions);
    expect(seen['authorization']).toBe('Bearer sk-test');
    expect(seen['http-referer']).toBe('https://loom.dev');
    expect(seen['x-title']).toBe('loom');
  });
});

describe.each(['sdk', 'direct'] as const)('Azure-style endpoints over the %s transport', (transport) => {
  it('keeps ?api-version on every request and authenticates with the api-key header only', async () => {
    let seen: { path: string; headers: Record<string, unknown> } | null = null;
    server.setOptions({
      responder: (_b, ctx) => {
        seen = { path: ctx.path, headers: ctx.headers };
        return undefined;
      },
    });
    const p = new OpenAIProvider(
      testSettings({ base_url: `${server.url}/openai/deployments/gpt4o?api-version=2024-10-21`, headers: { 'api-key': 'azure-key' }, transport }),
      { env: {} },
    );
    await p.complete(request, callOptions);
    expect(seen!.path).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21');
    expect(seen!.headers['api-key']).toBe('azure-key');
    expect(seen!.headers['authorization']).toBeUndefined();
  });
});

describe('credentials and endpoint selection', () => {
  it('refuses to start without any key or base URL, pointing at OPENAI_API_KEY and the offline target', () => {
    let error: unknown;
    try {
      resolveOpenAICredentials({}, {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).kind).toBe('auth');
    expect((error as LlmError).message).toMatch(/OPENAI_API_KEY/);
    expect((error as LlmError).message).toMatch(/offline/);
  });

  it('reads the variable named by api_key_env and names it when missing', () => {
    expect(resolveOpenAICredentials({ api_key_env: 'MY_KEY' }, { MY_KEY: ' sk-mine ', OPENAI_API_KEY: 'sk-other' }).apiKey).toBe('sk-mine');
    expect(() => resolveOpenAICredentials({ api_key_env: 'MY_KEY' }, { OPENAI_API_KEY: 'sk-other' })).toThrow(/MY_KEY/);
  });

  it('takes OPENAI_BASE_URL from the environment unless settings override it', () => {
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://env-host:1/v1' };
    expect(resolveOpenAICredentials({}, env).baseURL).toBe('http://env-host:1/v1');
    expect(resolveOpenAICredentials({ base_url: 'http://settings-host:2/v1' }, env).baseURL).toBe('http://settings-host:2/v1');
    expect(resolveOpenAICredentials({}, { OPENAI_API_KEY: 'k' }).baseURL).toBeUndefined();
  });

  it('sends a placeholder key to a local server that needs none', async () => {
    const server2 = await startFakeOpenAI();
    let auth: unknown;
    server2.setOptions({
      responder: (_b, ctx) => {
        auth = ctx.headers['authorization'];
        return undefined;
      },
    });
    try {
      const p = new OpenAIProvider(testSettings({ base_url: server2.baseURL }), { env: {} });
      await p.complete(request, callOptions);
      expect(auth).toBe(`Bearer ${PLACEHOLDER_API_KEY}`);
    } finally {
      await server2.close();
    }
  });

  it('picks the direct transport for http and the SDK for https by default', () => {
    expect(new OpenAIProvider(testSettings({ base_url: 'http://127.0.0.1:9/v1' }), { env: KEY_ENV }).transport).toBe('direct');
    const remote = new OpenAIProvider(testSettings(), { env: KEY_ENV });
    expect(remote.transport).toBe('sdk');
    expect(remote.baseURL).toBe('https://api.openai.com/v1');
    expect(() => new OpenAIProvider(testSettings({ transport: 'direct' }), { env: KEY_ENV })).toThrow(/plain http/);
  });

  it('sends the SDK transport through options.fetch when one is given', async () => {
    const urls: string[] = [];
    const p = new OpenAIProvider(testSettings({ base_url: server.baseURL, transport: 'sdk' }), {
      env: KEY_ENV,
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const answer = await p.complete(request, callOptions);
    expect(JSON.parse(answer.content)).toHaveProperty('sentiment');
    expect(urls).toEqual([`${server.baseURL}/chat/completions`]);
  });

  it('createProvider builds openai and offline providers and rejects unknown names', () => {
    expect(createProvider(testSettings({ provider: 'offline' })).offline).toBe(true);
    expect(createProvider(testSettings({ base_url: 'http://127.0.0.1:9/v1' }), { env: KEY_ENV }).name).toBe('openai');
    expect(() => createProvider(testSettings({ provider: 'anthropic' }))).toThrow(/Unknown LLM provider "anthropic". Accepted: openai, offline/);
  });
});
