import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, loom, loomEnv, query, readJson, removeDir, reviewsCsv, tempDir, writeProject } from './support/project.js';

describe('a prompt over the model input limit is quarantined before it is paid for', () => {
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    // A 1 MB field: far beyond gpt-4o-mini's 128,000-token window, known from pricing/context-windows.json.
    { limit: 'the context window of gpt-4o-mini', modelExtra: '', long: 'lorem ipsum dolor sit amet '.repeat(40_000), over: /over the 128,000 tokens of the context window of gpt-4o-mini/ },
    // max_input_tokens sets the limit for any model.
    { limit: 'max_input_tokens', modelExtra: '    llm: { model: acme-7b, max_input_tokens: 120 }', long: 'the blender broke after a week. '.repeat(40), over: /over the 120 tokens of max_input_tokens/ },
  ])('$limit', async ({ modelExtra, long, over }) => {
    const dir = writeProject(tempDir(), basicProject({ rows: 6, modelExtra }));
    writeProject(dir, { 'data/reviews.csv': reviewsCsv(6, (i) => (i === 3 ? long : `review number ${i} is fine`)) });
    try {
      server.resetStats();
      const r = await loom(['build'], dir, loomEnv(server.baseURL));
      expect(r.code).toBe(0);
      expect(chatRequests(server.stats())).toBe(5);
      const biggest = Math.max(...server.stats().bodies.map((b) => JSON.stringify(b).length));
      expect(biggest).toBeLessThan(10_000);
      const q = await query<{ row_key: string; reason: string }>(dir, 'select row_key, reason from loom.quarantine');
      expect(q).toEqual([{ row_key: 'r0003', reason: expect.stringMatching(over) }]);
      expect(q[0].reason).toMatch(/^the prompt is [\d,]+ tokens, .*; not sent/);
      const result = readJson(join(dir, 'target/run_results.json')).results.find((x: { unique_id: string }) => x.unique_id === 'model.e2e.classify');
      expect(result).toMatchObject({ rows: 5, rows_quarantined: 1, llm_calls: 5 });
    } finally {
      removeDir(dir);
    }
  });
});
