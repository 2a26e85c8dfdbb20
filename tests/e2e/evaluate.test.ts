import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai/index.js';
import { basicProject, chatRequests, loom, loomEnv, query, readJson, removeDir, tempDir, writeProject } from './support/project.js';
import { validateArtifact } from './support/artifacts.js';

const schemaName = (body: any): string | undefined => body?.response_format?.json_schema?.name;
/** The row a request is about: transform prompts show the id, judge prompts the review text ("review number 7 ..."). */
const rowId = (body: any): string | undefined => {
  const text = JSON.stringify(body.messages);
  const id = /r\d{4}/.exec(text)?.[0];
  if (id) return id;
  const n = /review number (\d+)/.exec(text)?.[1];
  return n === undefined ? undefined : `r${n.padStart(4, '0')}`;
};
const resultOf = (dir: string, id = 'model.e2e.classify') => readJson(join(dir, 'target/run_results.json')).results.find((r: { unique_id: string }) => r.unique_id === id);

/** Judge answers: the rows listed in `unsupported` get one unsupported statement out of two (score 0.5). */
function groundedness(unsupported: Set<string>) {
  return (body: any) => {
    if (schemaName(body) !== 'loom_grounded_statements') return undefined;
    const id = rowId(body)!;
    return JSON.stringify({
      statements: [
        { statement: 'it is a review', supported: true, evidence: 'review number' },
        { statement: 'the customer is happy', supported: !unsupported.has(id), evidence: '' },
      ],
    });
  };
}

const EVALUATED = `    evaluate:
      evaluators:
        - name: allowed
          type: accepted_values
          inputs: { output: output.sentiment }
          values: [positive, negative, neutral]
        - name: grounded
          type: groundedness
          inputs: { output: output.sentiment, context: input.text }
          threshold: 0.8
      quality_gate: all_pass`;

describe('evaluation: gates, quarantine and retry against an OpenAI-compatible server', () => {
  let server: FakeOpenAI;
  let dir: string;
  const env = () => loomEnv(server.baseURL);
  const project = (modelExtra = EVALUATED, extra: Parameters<typeof basicProject>[0] = {}) => {
    dir = writeProject(tempDir(), basicProject({ rows: 10, modelExtra, projectExtra: 'pricing:\n  gpt-4o-mini: { input: 1, output: 2 }', ...extra }));
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

  it('loads rows that pass, quarantines the rest with reasons and scores, and splits cost by stage', async () => {
    project();
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005', 'r0007'])) });
    const r = await loom(['build'], dir, env());
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(chatRequests(server.stats())).toBe(20);
    const result = resultOf(dir);
    validateArtifact('run_results', readJson(join(dir, 'target/run_results.json')));
    expect(result).toMatchObject({ status: 'success', rows: 7, rows_passed: 7, rows_quarantined: 3 });
    expect(result.cost_transform_usd).toBeGreaterThan(0);
    expect(result.cost_evaluate_usd).toBeGreaterThan(0);
    expect(result.cost_usd).toBeCloseTo(result.cost_transform_usd + result.cost_evaluate_usd, 12);
    const grounded = result.evaluation.evaluators.find((e: { evaluator: string }) => e.evaluator === 'grounded');
    expect(grounded).toMatchObject({ count: 10, pass_rate: 0.7, min: 0.5, max: 1 });
    expect(r.stdout).toMatch(/grounded: pass 70\.0% of 10/);

    const q = await query<{ row_key: string; reason: string; scores: string }>(dir, 'select row_key, reason, scores::varchar as scores from loom.quarantine order by 1');
    expect(q.map((x) => x.row_key)).toEqual(['r0002', 'r0005', 'r0007']);
    expect(q[0].reason).toBe('grounded evaluator below threshold (0.50 < 0.80)');
    expect(JSON.parse(q[0].scores)).toEqual({ allowed: 1, grounded: 0.5 });
    const evals = await query<{ n: number; judged: number }>(dir, "select count(*) as n, count(*) filter (where evaluator = 'grounded') as judged from loom.evaluations");
    expect(evals[0]).toEqual({ n: 20, judged: 10 });
    const stages = await query<{ stage: string; n: number }>(dir, 'select stage, count(*) as n from loom.llm_calls group by 1 order by 1');
    expect(stages).toEqual([
      { stage: 'evaluate', n: 10 },
      { stage: 'transform', n: 10 },
    ]);

    const listed = await loom(['quarantine', 'list', '--output', 'json'], dir, env());
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.row_key).sort()).toEqual(['r0002', 'r0005', 'r0007']);
    expect(rows[0]).toMatchObject({ node_id: 'model.e2e.classify', disposition: 'quarantined' });
    expect(rows[0].input.id).toMatch(/^r000[257]$/);
  });

  it('quarantine retry asks again without the cache and moves rows that now pass into the table', async () => {
    project();
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005', 'r0007'])) });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    server.resetStats();
    server.setOptions({ responder: groundedness(new Set(['r0007'])) });
    const retry = await loom(['quarantine', 'retry', 'classify', '--ids', 'r0002,r0007'], dir, env());
    expect(retry.stdout).toMatch(/Retried 2 row\(s\) of classify: 1 now pass and moved into its table, 1 still quarantined/);
    expect(chatRequests(server.stats())).toBe(4);
    const table = await query<{ n: number }>(dir, 'select count(*) as n from main.classify');
    expect(table[0].n).toBe(8);
    const q = await query<{ row_key: string }>(dir, 'select row_key from loom.quarantine order by 1');
    expect(q.map((x) => x.row_key)).toEqual(['r0005', 'r0007']);

    const unknown = await loom(['quarantine', 'retry', 'classify', '--ids', 'r0001'], dir, env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/row `r0001` of `classify` is not in quarantine; quarantined rows: `r0005`, `r0007`/);

    server.resetStats();
    server.setOptions({ responder: groundedness(new Set()) });
    expect((await loom(['quarantine', 'retry', 'classify'], dir, env())).code).toBe(0);
    expect((await query<{ n: number }>(dir, 'select count(*) as n from main.classify'))[0].n).toBe(10);
    // A later build does not resend anything: every row has its answer under the current fingerprint.
    server.resetStats();
    expect((await loom(['build'], dir, env())).code).toBe(0);
    expect(chatRequests(server.stats())).toBe(0);
  });

  it('quarantine retry judges batch_threshold on the model as the retry leaves it, not on the retried rows alone', async () => {
    // 7 of 10 rows pass: above 0.6. Retrying two rows that fail again leaves it there: no "0.0%", exit 0.
    project(`${EVALUATED}\n      batch_threshold: 0.6`);
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005', 'r0007'])) });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    const retry = await loom(['quarantine', 'retry', 'classify', '--ids', 'r0002,r0007'], dir, env());
    expect(retry.stdout).toMatch(/Retried 2 row\(s\) of classify: 0 now pass and moved into its table, 2 still quarantined/);
    expect(retry.stdout).not.toMatch(/Batch quality below threshold/);
    expect(retry.code).toBe(0);
    expect(resultOf(dir)).toMatchObject({ status: 'success', message: null });
  });

  it('quarantine retry says so in its own words when the model stays below batch_threshold', async () => {
    project(`${EVALUATED}\n      batch_threshold: 0.75`);
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005', 'r0007'])) });
    expect((await loom(['build'], dir, env())).code).toBe(1);
    const retry = await loom(['quarantine', 'retry', 'classify', '--ids', 'r0005'], dir, env());
    expect(retry.code).toBe(1);
    expect(resultOf(dir)).toMatchObject({ status: 'partial', message: 'after this retry 7 of 10 rows of classify pass its quality gate (70.0%), below its batch_threshold of 75.0%' });
    server.setOptions({ responder: groundedness(new Set(['r0007'])) });
    expect((await loom(['quarantine', 'retry', 'classify', '--ids', 'r0002,r0005'], dir, env())).code).toBe(0);
  });

  it('quarantine retry without batch_threshold: rows that fail again exit 1 in words about the retry', async () => {
    project();
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005'])) });
    await loom(['build'], dir, env());
    const retry = await loom(['quarantine', 'retry', 'classify', '--ids', 'r0002,r0005'], dir, env());
    expect(retry.code).toBe(1);
    expect(resultOf(dir)).toMatchObject({ status: 'partial', message: 'the 2 retried row(s) failed the quality gate again and stay in quarantine: fix the prompt or the evaluators first' });
  });

  it('quarantines a row whose judge answer is malformed, with a clear reason', async () => {
    project();
    server.setOptions({
      responder: (body) => {
        if (schemaName(body) !== 'loom_grounded_statements') return undefined;
        return rowId(body) === 'r0003' ? '{"statements": "all good, score 1.0"}' : JSON.stringify({ statements: [{ statement: 's', supported: true, evidence: 'e' }] });
      },
    });
    expect((await loom(['build'], dir, env())).code).toBe(0);
    const q = await query<{ row_key: string; reason: string }>(dir, 'select row_key, reason from loom.quarantine');
    expect(q).toHaveLength(1);
    expect(q[0].row_key).toBe('r0003');
    expect(q[0].reason).toMatch(/grounded evaluator failed: judge answer malformed/);
  });

  it('batch_threshold ends the node partial with the exact message; descendants still see passed rows', async () => {
    project(`${EVALUATED}\n      batch_threshold: 0.9`, { downstream: true });
    server.setOptions({ responder: groundedness(new Set(['r0002', 'r0005'])) });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    expect(resultOf(dir)).toMatchObject({ status: 'partial', message: 'Batch quality below threshold: 80.0% < 90.0%' });
    expect(resultOf(dir, 'model.e2e.explain')).toMatchObject({ status: 'success', rows: 8 });
  });

  it('on_failure: fail fails the node and skips its descendants', async () => {
    project(`${EVALUATED}\n      on_failure: fail`, { downstream: true });
    server.setOptions({ responder: groundedness(new Set(['r0004'])) });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    expect(resultOf(dir).status).toBe('error');
    expect(resultOf(dir).message).toMatch(/row r0004 failed its quality gate \(on_failure: fail\): grounded evaluator below threshold/);
    expect(resultOf(dir, 'model.e2e.explain').status).toBe('skipped');
  });

  it('on_failure: fallback retries a failing row with the fallback model and evaluates again', async () => {
    project(`${EVALUATED}\n      on_failure: fallback\n      fallback_model: gpt-4o`);
    server.setOptions({
      responder: (body) => {
        if (schemaName(body) === 'loom_grounded_statements') {
          // The judge rejects the primary model's answer for r0006 only.
          const rejected = rowId(body) === 'r0006' && JSON.stringify(body.messages).includes('positive');
          return JSON.stringify({ statements: [{ statement: 's', supported: !rejected, evidence: 'e' }] });
        }
        return JSON.stringify({ sentiment: body.model === 'gpt-4o' ? 'neutral' : 'positive', confidence: 0.9 });
      },
    });
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(0);
    const models = await query<{ m: string; n: number }>(dir, 'select _loom_model as m, count(*) as n from main.classify group by 1 order by 1');
    expect(models).toEqual([
      { m: 'gpt-4o', n: 1 },
      { m: 'gpt-4o-mini', n: 9 },
    ]);
    expect((await query<{ n: number }>(dir, 'select count(*) as n from loom.quarantine'))[0].n).toBe(0);
  });

  it('rejects a judge with a missing input at compile time, before any paid call', async () => {
    project(`    evaluate:
      evaluators:
        - name: grounded
          type: groundedness
          inputs: { output: output.sentiment }`);
    const r = await loom(['build'], dir, env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/models\/models\.yml:\d+:\d+: error LOOM080: .*grounded.*`context`/);
    expect(chatRequests(server.stats())).toBe(0);
  });

  it("runs the seed document's pipeline format by name and writes its destination", async () => {
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: seed\ndefaults:\n  llm: { provider: openai, model: gpt-4o-mini }\ntargets:\n  fake: { provider: openai }\ndefault_target: fake\n',
      'data/reviews.csv': 'id,text\nr0001,great blender\nr0002,it broke after a week\nr0003,fine\n',
      'prompts/classify_sentiment.txt': 'Classify the sentiment of this review: {{ row.text }}\n',
      'pipelines/customer_sentiment.yaml': `name: customer_sentiment
version: 2.1.0

extract:
  source: data/reviews.csv

transform:
  prompt: prompts/classify_sentiment.txt
  model: gpt-4o-mini
  batch_size: 50

evaluate:
  evaluators:
    - type: semantic
      threshold: 0.1
    - type: custom_criteria
      criteria: "Accurate, no hallucination"
      threshold: 0.75
  quality_gate: all_pass

load:
  destination: exports/customer_sentiment.csv
`,
    });
    server.setOptions({
      responder: (body) =>
        schemaName(body) === 'loom_criteria_checks'
          ? JSON.stringify({ checks: [{ criterion: 'Accurate', met: true, reason: 'ok' }, { criterion: 'No hallucination', met: true, reason: 'ok' }] })
          : schemaName(body)
            ? undefined
            : `The review ${JSON.stringify(body.messages).includes('broke') ? 'is negative' : 'is positive'}: ${JSON.stringify(body.messages).slice(-60)}`,
    });
    const r = await loom(['run', 'customer_sentiment'], dir, env());
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK llm model customer_sentiment/);
    const exported = join(dir, 'exports/customer_sentiment.csv');
    expect(existsSync(exported)).toBe(true);
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,text,output');
    expect(lines).toHaveLength(4);
    const embeddings = Object.entries(server.stats().byPath).filter(([p]) => p.includes('embeddings'));
    expect(embeddings.length).toBeGreaterThan(0);

    writeProject(dir, { 'pipelines/customer_sentiment.yaml': readFileSync(join(dir, 'pipelines/customer_sentiment.yaml'), 'utf8').replace('source: data/reviews.csv', 'source: postgres://customers/reviews') });
    const pg = await loom(['run', 'customer_sentiment'], dir, env());
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/pipelines\/customer_sentiment\.yaml:\d+:\d+: error LOOM090: extract\.source `postgres:\/\/customers\/reviews`: postgres:\/\/ URLs are not supported yet/);
  });
});
