import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, loom, loomEnv, query, readJson, removeDir, tempDir, writeProject } from './support/project.js';

const classifyResult = (dir: string) => readJson(join(dir, 'target/run_results.json')).results.find((r: { unique_id: string }) => r.unique_id === 'model.e2e.classify');

// Every fault runs through both transports: the official openai client (sdk) and the lean one for local servers.
describe.each(['sdk', 'direct'] as const)('loom build under provider faults (transport: %s)', (transport) => {
  let server: FakeOpenAI;
  let dir: string;
  const env = (extra: Record<string, string> = {}) => loomEnv(server.baseURL, extra);
  const project = (options: Parameters<typeof basicProject>[0] = {}) => {
    dir = writeProject(tempDir(), basicProject({ rows: 12, ...options, target: { transport, ...options.target } }));
  };

  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    return () => removeDir(dir);
  });

  it('retries 429s honoring retry-after, and 500s, and records every attempt', async () => {
    project();
    server.setOptions({ failRequests: [1, 2, 5], failFault: 'rate_limit', retryAfterMs: 120 });
    const started = Date.now();
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(120);
    expect(classifyResult(dir)).toMatchObject({ status: 'success', rows: 12, llm_calls: 15 });
    const attempts = await query<{ status: string; n: number }>(dir, 'select status, count(*) as n from loom.llm_calls group by 1 order by 1');
    expect(attempts).toEqual([
      { status: 'rate_limit', n: 3 },
      { status: 'success', n: 12 },
    ]);

    server.resetStats();
    project();
    server.setOptions({ failRequests: [], failFirst: 4, failFault: 'server_error' });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(16);
  });

  it('counts the requests of rows that failed in the calls of the node and of the summary', async () => {
    project();
    server.setOptions({ failRequests: [3, 7], failFault: 'bad_request' });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    const sent = chatRequests(server.stats());
    expect(sent).toBe(12);
    expect(classifyResult(dir)).toMatchObject({ status: 'partial', llm_calls: sent });
    expect(r.stdout).toContain(`LLM calls ${sent},`);
  });

  it('times out a request that never answers and retries it', async () => {
    // Long enough that a loaded CI machine never times out a request that does answer.
    project({ target: { timeout_ms: 1000 } });
    server.setOptions({ failRequests: [3], failFault: 'hang' });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(0);
    const timeouts = await query<{ n: number }>(dir, "select count(*) as n from loom.llm_calls where status = 'timeout'");
    expect(timeouts[0].n).toBe(1);
    expect(classifyResult(dir).rows).toBe(12);
  });

  it("uses a model's own llm.timeout_ms over the target's", async () => {
    project({ target: { timeout_ms: 60000 }, modelExtra: '    llm: { model: gpt-4o-mini, timeout_ms: 1000 }' });
    server.setOptions({ failRequests: [2], failFault: 'hang' });
    const started = Date.now();
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30000);
    const timeouts = await query<{ n: number }>(dir, "select count(*) as n from loom.llm_calls where status = 'timeout'");
    expect(timeouts[0].n).toBe(1);
  });

  it('retries a malformed body, and repairs an answer that is not valid JSON with one follow-up request', async () => {
    project();
    server.setOptions({ failRequests: [1], failFault: 'malformed_body' });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(classifyResult(dir).rows).toBe(12);

    project();
    server.resetStats();
    server.setOptions({ failRequests: [2], failFault: 'invalid_json_content' });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    const stages = await query<{ stage: string; n: number }>(dir, "select stage, count(*) as n from loom.llm_calls where status = 'success' group by 1 order by 1");
    expect(stages).toEqual([
      { stage: 'repair', n: 1 },
      { stage: 'transform', n: 12 },
    ]);
  });

  it('quarantines an answer that is still invalid after the repair request, with the reason', async () => {
    project();
    server.setOptions({ responder: (body) => (JSON.stringify(body.messages).includes('r0004') ? 'I think it is positive!' : undefined) });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(0);
    const q = await query<{ row_key: string; reason: string }>(dir, 'select row_key, reason from loom.quarantine');
    expect(q).toHaveLength(1);
    expect(q[0].row_key).toBe('r0004');
    expect(q[0].reason).toMatch(/answer is not valid JSON.*after one repair request/);
    expect(classifyResult(dir)).toMatchObject({ rows: 11, rows_quarantined: 1 });
  });

  it('does not retry authentication or bad-request errors and says what to fix', async () => {
    project();
    server.setOptions({ faultFor: () => 'unauthorized' });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    expect(chatRequests(server.stats())).toBeLessThanOrEqual(8);
    expect(r.stdout).toMatch(/ERROR llm model classify/);
    expect(r.stdout + r.stderr).toMatch(/OPENAI_API_KEY|401|auth/i);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    server.resetStats();
    project();
    server.setOptions({ faultFor: (ctx) => (ctx.requestNumber === 1 ? 'bad_request' : null) });
    const bad = await loom(['build'], dir, env());
    expect(bad.code).toBe(1);
    expect(chatRequests(server.stats())).toBe(12);
    expect(classifyResult(dir)).toMatchObject({ status: 'partial', rows: 11 });
    expect(classifyResult(dir).message).toMatch(/1 row\(s\) got no answer/);
    server.setOptions({ faultFor: undefined });
    server.resetStats();
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(1);
  });

  it('falls back to the next model when the primary keeps failing', async () => {
    project({ modelExtra: '    llm: { model: gpt-4o-mini, fallback_models: [gpt-4o] }' });
    server.setOptions({ modelFaults: { 'gpt-4o-mini': 'unavailable' } });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    const models = await query<{ m: string; n: number }>(dir, 'select _loom_model as m, count(*) as n from main.classify group by 1');
    expect(models).toEqual([{ m: 'gpt-4o', n: 12 }]);
  });

  it('stops sending at the budget, keeps finished rows, ends partial with exit code 1', async () => {
    project({
      rows: 40,
      modelExtra: '    budget_usd: 0.01',
      projectExtra: 'pricing:\n  gpt-4o-mini: { input: 10, output: 10 }',
      target: { concurrency: 1 },
    });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    const result = classifyResult(dir);
    expect(result.status).toBe('partial');
    expect(result.message).toMatch(/budget/);
    expect(result.rows).toBeGreaterThan(0);
    expect(result.rows).toBeLessThan(40);
    expect(result.cost_usd).toBeLessThanOrEqual(0.01);
    expect(chatRequests(server.stats())).toBe(result.rows);
  });

  it('warns about a model without a price and records its cost as unknown, never made up', async () => {
    project({ modelExtra: '    llm: { model: acme-llm-7b }' });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no price is known for model `acme-llm-7b`/);
    const costs = await query<{ known: number }>(dir, 'select count(cost_usd) as known from loom.llm_calls');
    expect(costs[0].known).toBe(0);
    expect(classifyResult(dir).unpriced_models).toEqual(['acme-llm-7b']);
  });
});
