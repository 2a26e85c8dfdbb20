/** kill -9 a process mid-build: every answer it had received must come back from its journal. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { replayJournals } from '../../../src/llm/journal.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../support/fake-openai/index.js';
import { describeWithDist, distFile } from '../../support/needs-dist.js';
import { MemoryCache, MemoryRecorder } from './memory-stores.js';

const dist = distFile('llm/index.js');

const child = `
const { createLlmService, createProvider, createPricing } = await import(process.env.LOOM_LLM);
const settings = { provider: 'openai', base_url: process.env.BASE_URL, concurrency: 4, timeout_ms: 5000, max_retries: 0, backoff_base_ms: 1, backoff_max_ms: 1 };
const never = new Promise(() => {});
const service = createLlmService({
  provider: createProvider(settings, { env: { OPENAI_API_KEY: 'sk-x' } }),
  settings,
  cache: { getMany: async () => new Map(), putMany: () => never },
  recorder: { recordMany: () => never },
  pricing: createPricing(),
  journalDir: process.env.JOURNAL,
  flushEvery: 1e9,
  flushIntervalMs: 1e9,
});
let i = 0;
const worker = async () => {
  for (;;) {
    const n = i++;
    const o = await service.complete({ params: { model: 'gpt-4o-mini' }, messages: [{ role: 'user', content: 'row ' + n }] },
      { run_id: 'crash-run', node_id: 'n', row_key: String(n), stage: 'transform', budgets: [] });
    process.stdout.write(o.cache_key + '\\n');
  }
};
for (let w = 0; w < 4; w++) worker();
`;

let server: FakeOpenAI;
let dir: string;
beforeAll(async () => {
  server = await startFakeOpenAI({ latencyMs: 2, maxLoggedBodies: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'loom-crash-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describeWithDist(['llm/index.js'], 'journal across kill -9 (needs `npm run build`)', () => {
  it('replays every answer the killed process had handed back', async () => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child], {
      env: { ...process.env, LOOM_LLM: dist, BASE_URL: server.baseURL, JOURNAL: dir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Every key the child printed, including lines still in the pipe when it died.
    const answered: string[] = [];
    const stdoutClosed = new Promise<void>((resolve) => proc.stdout!.once('close', resolve));
    await new Promise<void>((resolve, reject) => {
      proc.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited early (${code})`))));
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        answered.push(line);
        if (answered.length === 200) proc.kill('SIGKILL');
      });
    });
    await stdoutClosed;
    expect(answered.length).toBeGreaterThanOrEqual(200);

    const cache = new MemoryCache();
    const recorder = new MemoryRecorder();
    const result = await replayJournals(dir, cache, recorder);
    expect(result.files).toBeGreaterThanOrEqual(1);
    for (const key of answered) expect(cache.entries.has(key), key).toBe(true);
    expect(recorder.records.length).toBe(result.entries);
    expect(recorder.records.every((r) => r.status === 'success' && r.run_id === 'crash-run')).toBe(true);
  });
});
