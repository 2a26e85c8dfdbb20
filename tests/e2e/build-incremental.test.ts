import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, loom, loomEnv, query, readJson, removeDir, reviewsCsv, tempDir, writeProject } from './support/project.js';
import { validateArtifact } from './support/artifacts.js';

describe('loom build: incremental execution against an OpenAI-compatible server', () => {
  let server: FakeOpenAI;
  let dir: string;
  const env = () => loomEnv(server.baseURL);

  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    dir = writeProject(tempDir(), basicProject({ rows: 20, downstream: true }));
    return () => removeDir(dir);
  });

  it('answers every row once, writes run_results.json, and sends nothing on an unchanged re-run', async () => {
    const first = await loom(['build'], dir, env());
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    expect(chatRequests(server.stats())).toBe(40);
    const results = readJson(join(dir, 'target/run_results.json'));
    validateArtifact('run_results', results);
    const classify = results.results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify');
    expect(classify).toMatchObject({ status: 'success', rows: 20, llm_calls: 20, cache_hits: 0 });
    expect(classify.tokens_in).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/OK llm model classify/);

    const rows = await query<{ n: number; keys: number }>(dir, 'select count(*) as n, count(distinct _loom_key) as keys from main.classify');
    expect(rows[0]).toEqual({ n: 20, keys: 20 });

    server.resetStats();
    const second = await loom(['build'], dir, env());
    expect(second.code).toBe(0);
    expect(chatRequests(server.stats())).toBe(0);
    const again = readJson(join(dir, 'target/run_results.json'));
    expect(again.results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify')).toMatchObject({ llm_calls: 0, rows_reused: 20 });
  });

  it('sends exactly k requests per downstream llm model when k rows are appended, and drops deleted rows', async () => {
    expect((await loom(['build'], dir, env())).code).toBe(0);
    server.resetStats();
    writeFileSync(join(dir, 'data/reviews.csv'), reviewsCsv(23));
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(3 * 2);

    server.resetStats();
    writeFileSync(join(dir, 'data/reviews.csv'), reviewsCsv([1, 2, 3, 4, 5]));
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(0);
    const keys = await query<{ k: string }>(dir, 'select _loom_key as k from main.explain order by 1');
    expect(keys.map((r) => r.k)).toEqual(['r0001', 'r0002', 'r0003', 'r0004', 'r0005']);
    const results = readJson(join(dir, 'target/run_results.json'));
    expect(results.results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify').rows_deleted).toBe(18);
  });

  it('re-sends a node and everything downstream when its prompt changes, but not for a description change', async () => {
    expect((await loom(['build'], dir, env())).code).toBe(0);
    server.resetStats();
    const models = join(dir, 'models/models.yml');
    writeFileSync(models, readFileSync(models, 'utf8').replace('description: Sentiment per review', 'description: Sentiment of each review, reworded'));
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(0);

    writeFileSync(join(dir, 'prompts/classify.njk'), 'Classify the sentiment (positive, negative or neutral).\nReview {{ row.id }}: {{ row.text }}\n');
    expect((await loom(['build'], dir, env())).code).toBe(0);
    const results = readJson(join(dir, 'target/run_results.json')).results;
    const classify = results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify');
    const explain = results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.explain');
    expect(classify).toMatchObject({ rows_passed: 20, llm_calls: 20, rows_reused: 0 });
    // Every downstream row is re-processed; those whose rendered prompt did not change are free cache hits.
    expect(explain.rows_passed).toBe(20);
    expect(explain.rows_reused).toBe(0);
    expect(explain.llm_calls + explain.cache_hits).toBe(20);
    expect(chatRequests(server.stats())).toBe(20 + explain.llm_calls);
  });

  it('rebuilds an llm model whose output schema gains a column, and one whose name was a view', async () => {
    expect((await loom(['build', '-s', 'classify'], dir, env())).code).toBe(0);
    const models = join(dir, 'models/models.yml');
    writeFileSync(
      models,
      readFileSync(models, 'utf8').replace(
        '        confidence: { type: number, minimum: 0, maximum: 1 }\n',
        '        confidence: { type: number, minimum: 0, maximum: 1 }\n        reason: { type: string }\n',
      ),
    );
    server.resetStats();
    const widened = await loom(['build', '-s', 'classify'], dir, env());
    expect(widened.stdout + widened.stderr).not.toMatch(/Catalog Error/);
    expect(widened.code).toBe(0);
    expect(chatRequests(server.stats())).toBe(20); // a new output schema is a new question
    const columns = await query<{ name: string }>(dir, "select column_name as name from duckdb_columns() where table_name = 'classify'");
    expect(columns.map((c) => c.name)).toContain('reason');
    expect((await query<{ n: number }>(dir, 'select count(*) as n from main.classify'))[0].n).toBe(20);

    // A view left where the llm model's table goes (say, the model was a sql view before) is replaced, also by --full-refresh.
    for (const flags of [[], ['--full-refresh']]) {
      await query(dir, 'drop table main.classify; create view main.classify as select 1 as x');
      const replaced = await loom(['build', '-s', 'classify', ...flags], dir, env());
      expect(replaced.stdout + replaced.stderr).not.toMatch(/Catalog Error/);
      expect(replaced.code).toBe(0);
      expect((await query<{ n: number }>(dir, 'select count(*) as n from main.classify'))[0].n).toBe(20);
    }
  });

  it('--full-refresh rebuilds tables from the cache; --no-cache pays again', async () => {
    expect((await loom(['build', '-s', 'classify'], dir, env())).code).toBe(0);
    server.resetStats();
    expect((await loom(['build', '-s', 'classify', '--full-refresh'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(0);
    const refreshed = readJson(join(dir, 'target/run_results.json')).results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify');
    expect(refreshed).toMatchObject({ rows: 20, cache_hits: 20, llm_calls: 0 });

    server.resetStats();
    expect((await loom(['build', '-s', 'classify', '--full-refresh', '--no-cache'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(20);
  });

  it('records runs, calls, lineage and the git-free commit as null outside a repository', async () => {
    expect((await loom(['build', '-s', 'classify'], dir, env())).code).toBe(0);
    const runs = await query<{ status: string; llm_calls: number }>(dir, 'select status, llm_calls from loom.runs');
    expect(runs).toEqual([{ status: 'success', llm_calls: 20 }]);
    const calls = await query<{ stage: string; status: string; n: number }>(dir, "select stage, status, count(*) as n from loom.llm_calls group by all");
    expect(calls).toEqual([{ stage: 'transform', status: 'success', n: 20 }]);
    const lineage = await query<{ n: number; input_node: string; model: string }>(dir, 'select count(*) as n, any_value(input_node) as input_node, any_value(model) as model from loom.lineage');
    expect(lineage[0]).toEqual({ n: 20, input_node: 'source.e2e.shop.reviews', model: 'gpt-4o-mini' });
  });
});
