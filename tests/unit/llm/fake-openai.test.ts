import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { describeWithDist } from '../../support/needs-dist.js';

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
async function start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const s = await startFakeOpenAI(options);
  servers.push(s);
  return s;
}
const client = (s: FakeOpenAI) => new OpenAI({ apiKey: 'sk-x', baseURL: s.baseURL, maxRetries: 0, timeout: 2000 });

const schema = {
  type: 'object',
  properties: { verdicts: { type: 'array', minItems: 2, items: { type: 'object', properties: { ok: { type: 'boolean' }, why: { type: 'string' } }, required: ['ok', 'why'] } } },
  required: ['verdicts'],
};

describe('fake OpenAI server', () => {
  it('answers the real client with a chat.completion whose content fits the schema', async () => {
    const s = await start();
    const r = await client(s).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Judge these claims about penguins' }],
      response_format: { type: 'json_schema', json_schema: { name: 'judge', schema } },
    });
    expect(r.object).toBe('chat.completion');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(new Ajv().compile(schema)(JSON.parse(r.choices[0]!.message.content!))).toBe(true);
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(r.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
  });

  it('accepts paths without /v1, lists models, serves embeddings in float and base64', async () => {
    const s = await start({ models: ['m1', 'm2'], embeddingDims: 8 });
    const plain = await fetch(`${s.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(plain.status).toBe(200);
    const models = await client(s).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['m1', 'm2']);
    const sdkEmbedding = await client(s).embeddings.create({ model: 'text-embedding-3-small', input: ['a b c'] }); // SDK asks for base64
    const floatEmbedding = await client(s).embeddings.create({ model: 'text-embedding-3-small', input: ['a b c'], encoding_format: 'float' });
    expect(sdkEmbedding.data[0]!.embedding).toHaveLength(8);
    expect(sdkEmbedding.data[0]!.embedding[0]).toBeCloseTo(floatEmbedding.data[0]!.embedding[0]!, 5);
    expect(s.stats().byPath).toMatchObject({ '/chat/completions': 1, '/v1/models': 1, '/v1/embeddings': 2 });
  });

  it('rejects requests the real API would reject', async () => {
    const s = await start();
    const noModel = await fetch(`${s.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [] }) });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toMatch(/model/);
    const badJson = await fetch(`${s.baseURL}/chat/completions`, { method: 'POST', body: '{nope' });
    expect(badJson.status).toBe(400);
    const unknown = await fetch(`${s.baseURL}/completions/legacy`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('lets tests script answers', async () => {
    const s = await start({ responder: (body) => (body.model === 'judge' ? '{"score": 1}' : undefined) });
    const judged = await client(s).chat.completions.create({ model: 'judge', messages: [{ role: 'user', content: 'x' }] });
    expect(judged.choices[0]!.message.content).toBe('{"score": 1}');
    const other = await client(s).chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'x y z' }] });
    expect(other.choices[0]!.message.content).not.toBe('{"score": 1}');
  });

  it('injects faults by request number, by model and by seeded probability', async () => {
    const s = await start({ failRequests: [2, 4], failFault: 'unavailable', modelFaults: { broken: 'server_error' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await fetch(`${s.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'ok', messages: [{ role: 'user', content: 'q' }] }) })).status);
    }
    expect(statuses).toEqual([200, 503, 200, 503, 200]);
    const broken = await fetch(`${s.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'q' }] }) });
    expect(broken.status).toBe(500);

    const run = async (seed: number) => {
      const r = await start({ seed, faultRates: { rate_limit: 0.3, server_error: 0.1 } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        out.push((await fetch(`${r.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }] }) })).status);
      }
      return out;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(a.filter((x) => x === 429).length).toBeGreaterThan(4);
    expect(a.filter((x) => x === 500).length).toBeGreaterThan(0);
    expect(a.filter((x) => x === 200).length).toBeGreaterThan(15);
  });

  it('reset() restores the options it started with and clears the counters', async () => {
    const s = await start({ failRequests: [2], failFault: 'unavailable' });
    const status = async () => (await fetch(`${s.baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }] }) })).status;
    s.setOptions({ modelFaults: { m: 'server_error' } });
    expect(await status()).toBe(500);
    s.reset();
    expect(s.stats().byStatus).toEqual({});
    expect([await status(), await status(), await status()]).toEqual([200, 503, 200]);
  });

  it('refuses unknown fault names', async () => {
    await expect(startFakeOpenAI({ failFault: 'explode' as never })).rejects.toThrow(/Unknown fault "explode"/);
  });

  it('corrupts content on request for repair tests', async () => {
    const s = await start({ failFirst: 1, failFault: 'schema_invalid_content' });
    const r = await client(s).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'j', schema } },
    });
    const parsed = JSON.parse(r.choices[0]!.message.content!);
    expect(new Ajv().compile(schema)(parsed)).toBe(false);
  });

  it('counts in-flight requests, models and keeps a bounded body log', async () => {
    const s = await start({ latencyMs: 30, maxLoggedBodies: 3 });
    const c = client(s);
    await Promise.all(Array.from({ length: 5 }, (_, i) => c.chat.completions.create({ model: i % 2 ? 'a' : 'b', messages: [{ role: 'user', content: `q${i}` }] })));
    const stats = s.stats();
    expect(stats.maxInFlight).toBe(5);
    expect(stats.inFlight).toBe(0);
    expect(stats.byModel).toEqual({ a: 2, b: 3 });
    expect(stats.bodies).toHaveLength(3);
    expect(stats.byStatus).toEqual({ 200: 5 });
  });

  it('stamps the first API arrival and the last API reply, for splitting a client\'s time', async () => {
    const s = await start({ latencyMs: 20 });
    expect(s.stats().firstApiArrivalAt).toBeNull();
    await fetch(`${s.baseURL}/models`);
    expect(s.stats().firstApiArrivalAt).toBeNull(); // listing models is not an API call that costs
    const before = Date.now();
    await client(s).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    await client(s).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    const { firstApiArrivalAt, lastApiReplyAt } = s.stats();
    expect(firstApiArrivalAt).toBeGreaterThanOrEqual(before);
    expect(lastApiReplyAt! - firstApiArrivalAt!).toBeGreaterThanOrEqual(35); // two calls of 20 ms in a row
    const { apiHeldMs, apiLateMs } = s.stats();
    expect(apiHeldMs).toBeGreaterThanOrEqual(35); // each held ~20 ms (timers may fire up to 1 ms early)
    expect(apiHeldMs).toBeLessThan(lastApiReplyAt! - firstApiArrivalAt! + 5);
    expect(apiLateMs).toBeGreaterThanOrEqual(0);
    expect(apiLateMs).toBeLessThan(apiHeldMs);
    s.reset();
    expect(s.stats().lastApiReplyAt).toBeNull();
    expect(s.stats().apiHeldMs).toBe(0);
  });

  it('waits the configured latency', async () => {
    const s = await start({ latencyMs: { min: 60, max: 70 } });
    const started = performance.now();
    await client(s).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'q' }] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(58);
  });
});

const cli = fileURLToPath(new URL('../../support/fake-openai/cli.mjs', import.meta.url));

describeWithDist(['llm/answer-seed.js', 'llm/schema-answer.js', 'llm/text-embedding.js'], 'fake OpenAI CLI (needs `npm run build`)', () => {
  it('prints its base URL first and serves until stopped', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--latency', '1', '--fail-first', '1', '--fail-fault', 'rate_limit', '--retry-after-ms', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const baseURL = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const first = await fetch(`${baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }] }) });
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after-ms')).toBe('5');
      const second = await fetch(`${baseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }] }) });
      expect(second.status).toBe(200);
      const stats = (await (await fetch(baseURL.replace(/\/v1$/, '/__fake/stats'))).json()) as { total: number };
      expect(stats.total).toBe(3);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
