#!/usr/bin/env node
// Standalone fake OpenAI server for benchmarks and e2e tests. Prints its base URL as the first stdout line.
//   node tests/support/fake-openai/cli.mjs --port 0 --latency 50 [--latency-max 80] [--seed 7]
//     [--fault rate_limit=0.01,server_error=0.005] [--fail-first 3 --fail-fault rate_limit]
//     [--retry-after-ms 20] [--retry-after 1] [--reject-json-schema] [--embedding-dims 64]
// Answers come from the compiled generator in dist/ (run `npm run build` first).
// GET <url>/__fake/stats returns the counters; POST <url>/__fake/reset clears them.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeOpenAIServer } from './server.mjs';

const distLlm = fileURLToPath(new URL('../../../dist/llm/', import.meta.url));

async function loadGenerator() {
  const files = ['answer-seed.js', 'schema-answer.js', 'text-embedding.js'];
  for (const file of files) {
    if (!existsSync(distLlm + file)) {
      process.stderr.write(`fake-openai: ${distLlm + file} is missing; run \`npm run build\` first.\n`);
      process.exit(2);
    }
  }
  const [seed, schema, embedding] = await Promise.all(files.map((f) => import(pathToFileURL(distLlm + f).href)));
  return {
    seedFromMessages: seed.seedFromMessages,
    answerForSchema: schema.answerForSchema,
    answerText: schema.answerText,
    embedText: embedding.embedText,
  };
}

function number(name, value) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`fake-openai: --${name} must be a non-negative number, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

function faultRates(spec) {
  if (!spec) return undefined;
  const rates = {};
  for (const part of spec.split(',')) {
    const [name, p] = part.split('=');
    rates[name.trim()] = number(`fault ${name}`, p);
  }
  return rates;
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    latency: { type: 'string' },
    'latency-max': { type: 'string' },
    seed: { type: 'string' },
    fault: { type: 'string' },
    'fail-first': { type: 'string' },
    'fail-fault': { type: 'string' },
    'retry-after-ms': { type: 'string' },
    'retry-after': { type: 'string' },
    'reject-json-schema': { type: 'boolean' },
    'embedding-dims': { type: 'string' },
    'log-bodies': { type: 'string', default: '0' },
  },
});

const latency = number('latency', values.latency) ?? 0;
const latencyMax = number('latency-max', values['latency-max']);

try {
  const server = await startFakeOpenAIServer({
    generator: await loadGenerator(),
    host: values.host,
    port: number('port', values.port),
    latencyMs: latencyMax !== undefined ? { min: latency, max: Math.max(latency, latencyMax) } : latency,
    seed: number('seed', values.seed),
    faultRates: faultRates(values.fault),
    failFirst: number('fail-first', values['fail-first']),
    failFault: values['fail-fault'],
    retryAfterMs: number('retry-after-ms', values['retry-after-ms']),
    retryAfterSeconds: values['retry-after'],
    rejectJsonSchema: values['reject-json-schema'] ?? false,
    embeddingDims: number('embedding-dims', values['embedding-dims']),
    maxLoggedBodies: number('log-bodies', values['log-bodies']),
  });
  process.stdout.write(server.baseURL + '\n');
  const stop = async () => {
    const s = server.stats();
    process.stderr.write(`fake-openai: ${s.total} requests, max in flight ${s.maxInFlight}\n`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`fake-openai: ${err?.message ?? err}\n`);
  process.exit(2);
}
