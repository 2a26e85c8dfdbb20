/** Smoke test of per-call overhead: service + provider + fake server in one process, zero latency. */
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

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ maxLoggedBodies: 0 });
});
afterAll(async () => {
  await server.close();
});

// Sanity floors, not benchmarks (those are in tests/support/fake-openai/llm-throughput.mjs). Measured on the
// shared 2-core box: alone, direct 1,100-1,900/s and sdk 650-1,050/s (the SDK rides Node's global fetch);
// beside the rest of the suite, 400-570/s and 235-335/s. They catch a transport gone pathologically slow.
const FLOOR = { direct: 250, sdk: 120 };

describe.each(['direct', 'sdk'] as const)('throughput over the %s transport', (transport) => {
  it('pushes 2,000 calls at concurrency 64', async () => {
    // A loaded box can hold single calls for seconds; this measures throughput, not timeouts.
    const settings = testSettings({ base_url: server.baseURL, transport, concurrency: 64, timeout_ms: 30_000 });
    const recorder = new MemoryRecorder();
    const service = createLlmService({ provider: new OpenAIProvider(settings, { env: KEY_ENV }), settings, cache: new MemoryCache(), recorder, pricing: createPricing() });
    const total = 2_000;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < total) {
        const i = next++;
        await service.complete(
          { params: { model: 'gpt-4o-mini', temperature: 0 }, messages: [{ role: 'user', content: `Review ${i}: solid build, weak battery.` }], output_schema: schema },
          context({ row_key: String(i) }),
        );
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    await service.flush();
    const perSecond = total / ((performance.now() - started) / 1000);
    console.log(`[llm throughput] ${transport}: ${Math.round(perSecond)} calls/s (service + provider + in-process fake server)`);
    expect(service.stats()).toMatchObject({ requests: total, failures: 0 });
    expect(recorder.records).toHaveLength(total);
    expect(perSecond).toBeGreaterThan(FLOOR[transport]);
  });
});
