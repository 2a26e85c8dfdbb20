/**
 * 2,000 calls through service + provider + fake server at concurrency 64, checked by counts: every call is
 * answered once, and the server sees exactly 64 requests at once, never more. Calls per second are a figure for
 * the benchmark (tests/support/fake-openai/llm-throughput.mjs, and `npm run bench` for a whole build), not for a
 * unit test on a shared machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIProvider } from '../../../src/llm/openai-provider.js';
import { createPricing } from '../../../src/llm/pricing.js';
import { createLlmService } from '../../../src/llm/service.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { context, KEY_ENV, MemoryCache, MemoryRecorder, testSettings } from './memory-stores.js';

const schema = {
  type: 'object',
  properties: { sentiment: { enum: ['positive', 'negative', 'neutral'] }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['sentiment', 'confidence'],
};
const CONCURRENCY = 64;
const TOTAL = 2_000;

/**
 * Holds the first `size` requests until all of them have arrived, so the peak in flight the server sees is the
 * concurrency limit however slow the machine is. Gives up after `giveUpMs` so a client that never reaches `size`
 * fails on the count instead of hanging.
 */
function barrier(size: number, giveUpMs = 10_000) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const timer = setTimeout(open, giveUpMs);
  return async (requestNumber: number) => {
    if (requestNumber > size) return;
    if (++arrived === size) {
      clearTimeout(timer);
      open();
    }
    await opened;
  };
}

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ maxLoggedBodies: 0 });
});
afterAll(async () => {
  await server.close();
});

describe.each(['direct', 'sdk'] as const)('throughput over the %s transport', (transport) => {
  it(`answers ${TOTAL} calls with exactly ${CONCURRENCY} in flight at the peak`, async () => {
    server.reset();
    const wait = barrier(CONCURRENCY);
    server.setOptions({
      responder: async (_body, ctx) => {
        await wait(ctx.requestNumber);
        return undefined;
      },
    });
    // A loaded box can hold single calls for seconds; this counts calls, it does not time them.
    const settings = testSettings({ base_url: server.baseURL, transport, concurrency: CONCURRENCY, timeout_ms: 30_000 });
    const recorder = new MemoryRecorder();
    const service = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache: new MemoryCache(), recorder, pricing: createPricing() });
    // Twice as many callers as the limit, so the service's limiter, not the caller, holds the line.
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        await service.complete(
          { params: { model: 'gpt-4o-mini', temperature: 0 }, messages: [{ role: 'user', content: `Review ${i}: solid build, weak battery.` }], output_schema: schema },
          context({ row_key: String(i) }),
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY * 2 }, worker));
    await service.flush();
    expect(service.stats()).toMatchObject({ requests: TOTAL, failures: 0 });
    expect(recorder.records).toHaveLength(TOTAL);
    expect(new Set(recorder.records.map((r) => r.row_key)).size).toBe(TOTAL);
    const stats = server.stats();
    expect(stats.byPath['/v1/chat/completions']).toBe(TOTAL);
    expect(stats.maxInFlight).toBe(CONCURRENCY);
  });
});
