#!/usr/bin/env node
// Measures the LLM layer alone (dist/llm service + openai provider) against the fake server in its own process.
//   npm run build && node tests/support/fake-openai/llm-throughput.mjs [--calls 30000] [--concurrency 64]
//     [--latency 0] [--transport auto|sdk|direct] [--journal] [--warmup 200]
// Prints one JSON line: calls/s, client CPU µs per call, server CPU µs per call, RSS (now and peak).
// The warm-up calls (not counted) load the transport's modules (undici, the SDK) and open the sockets.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '30000' },
    concurrency: { type: 'string', default: '64' },
    latency: { type: 'string', default: '0' },
    transport: { type: 'string', default: 'auto' },
    journal: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '200' },
  },
});
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);

const here = path.dirname(fileURLToPath(import.meta.url));
const { createLlmService, createProvider, createPricing } = await import(path.join(here, '../../../dist/llm/index.js'));

const server = spawn(process.execPath, [path.join(here, 'cli.mjs'), '--port', '0', '--latency', values.latency], { stdio: ['ignore', 'pipe', 'inherit'] });
const baseURL = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', resolve));

const settings = {
  provider: 'openai',
  base_url: baseURL,
  transport: values.transport,
  concurrency,
  timeout_ms: 30_000,
  max_retries: 2,
  backoff_base_ms: 100,
  backoff_max_ms: 2_000,
};
// Stores that keep nothing: this measures the LLM layer, not a warehouse.
const cache = { getMany: async () => new Map(), putMany: async () => undefined };
const recorder = { recordMany: async () => undefined };
const journalDir = values.journal ? mkdtempSync(path.join(tmpdir(), 'loom-journal-')) : undefined;
const service = createLlmService({ provider: createProvider(settings, { env: { OPENAI_API_KEY: 'sk-bench' } }), settings, cache, recorder, pricing: createPricing(), journalDir });

const schema = {
  type: 'object',
  properties: { sentiment: { enum: ['positive', 'negative', 'neutral'] }, confidence: { type: 'number', minimum: 0, maximum: 1 }, summary: { type: 'string' } },
  required: ['sentiment', 'confidence', 'summary'],
};
let next = 0;
let last = 0;
let latencies = [];
async function worker() {
  while (next < last) {
    const i = next++;
    const t0 = performance.now();
    await service.complete(
      {
        params: { model: 'gpt-4o-mini', temperature: 0 },
        messages: [
          { role: 'system', content: 'Classify the sentiment of the review.' },
          { role: 'user', content: `Review #${i}: The battery life is great but the screen scratches easily and support was slow to answer.` },
        ],
        output_schema: schema,
      },
      { run_id: 'bench', node_id: 'model.bench.reviews', row_key: String(i), stage: 'transform', budgets: [] },
    );
    latencies.push(performance.now() - t0);
  }
}
last = Number(values.warmup);
await Promise.all(Array.from({ length: concurrency }, worker));
latencies = [];
const serverCpuBefore = serverCpuMs();
const started = performance.now();
const cpu = process.cpuUsage();
last += calls;
await Promise.all(Array.from({ length: concurrency }, worker));
await service.close();
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const serverCpu = serverCpuMs() - serverCpuBefore;
server.kill('SIGTERM');
if (journalDir) rmSync(journalDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    transport: values.transport,
    calls,
    concurrency,
    server_latency_ms: Number(values.latency),
    seconds: Number(seconds.toFixed(2)),
    calls_per_second: Math.round(calls / seconds),
    client_cpu_us_per_call: Math.round((used.user + used.system) / calls),
    server_cpu_us_per_call: Math.round((serverCpu * 1000) / calls),
    rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    max_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    latency_ms: percentiles(latencies),
    failures: service.stats().failures,
  }),
);

/** The server's user + system CPU so far (Linux /proc, 10 ms ticks). */
function serverCpuMs() {
  const stat = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(' ');
  return (Number(stat[13]) + Number(stat[14])) * 10;
}

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}
