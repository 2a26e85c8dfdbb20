/**
 * Two-part fingerprints (data, metadata), as SQLMesh does: a docs change is metadata-only; anything that could change
 * an answer or a row changes `data` for the node and every node downstream of it, and nothing else.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import type { ManifestNode } from '../../../src/contracts/manifest.js';
import { assertValidManifest } from '../../support/artifact-schemas.js';
import { projectFrom, removeTempProjects, writeFiles } from '../../support/fixture-projects.js';

afterAll(removeTempProjects);

// shop.reviews ─▶ clean ─▶ sentiment (llm, prompt + macros + context taxonomy) ─▶ triage (sql) ─▶ issues (llm) ─▶ report (sql)
//                   └────▶ tone_check (llm, context tone)          clean ─▶ counts (sql)
const MODELS = `sources:
  - name: shop
    tables:
      - { name: reviews, path: data/reviews.csv, description: Raw reviews. }
models:
  - name: clean
    kind: sql
    sql: select * from {{ source('shop', 'reviews') }}
  - name: counts
    kind: sql
    sql: select count(*) from {{ ref('clean') }}
  - name: sentiment
    kind: llm
    description: Sentiment of each review.
    from: ref('clean')
    prompt: sentiment
    llm: { temperature: 0 }
    output:
      type: object
      properties: { label: { type: string } }
    evaluate:
      evaluators:
        - { type: accepted_values, inputs: { output: output.label }, values: [pos, neg], threshold: 1 }
  - name: triage
    kind: sql
    sql: select * from {{ ref('sentiment') }}
  - name: issues
    kind: llm
    from: ref('triage')
    prompt: issues
  - name: report
    kind: sql
    sql: select * from {{ ref('issues') }}
  - name: tone_check
    kind: llm
    from: ref('clean')
    prompt: tone
`;
const BASE_FILES: Record<string, string> = {
  'loom_project.yml': 'name: fp\ndefaults:\n  llm: { model: gpt-4o-mini }\n',
  'models/all.yml': MODELS,
  'prompts/macros.njk': '{% macro show(row) %}<r>{{ row.text }}</r>{% endmacro %}\n',
  'prompts/sentiment.njk': '{% import "macros.njk" as m %}Label it.\n{{ context("taxonomy") }}\n{{ m.show(row) }}\n',
  'prompts/issues.njk': 'Issues in {{ row.text }}\n',
  'prompts/tone.njk': '{{ context("tone") }} {{ row.text }}\n',
  'context/taxonomy.md': 'pos | neg\n',
  'context/tone.md': 'Be kind.\n',
  'data/reviews.csv': 'id,text\n1,good\n',
};
const ALL = ['source.fp.shop.reviews', 'model.fp.clean', 'model.fp.counts', 'model.fp.sentiment', 'model.fp.triage', 'model.fp.issues', 'model.fp.report', 'model.fp.tone_check'];
const DOWNSTREAM_OF_SENTIMENT = ['model.fp.sentiment', 'model.fp.triage', 'model.fp.issues', 'model.fp.report'];

let dir: string;
beforeEach(() => {
  dir = projectFrom(BASE_FILES);
});

async function nodes(): Promise<Record<string, ManifestNode>> {
  const outcome = await compile({ projectDir: dir, env: {}, write: false });
  expect(outcome.diagnostics).toEqual([]);
  assertValidManifest(outcome.manifest);
  return outcome.manifest!.nodes;
}

/** The ids whose `part` fingerprint differs after `change`. */
async function changedBy(change: Record<string, string>, part: 'data' | 'metadata' = 'data'): Promise<string[]> {
  const before = await nodes();
  writeFiles(dir, change);
  const after = await nodes();
  return ALL.filter((id) => before[id].fingerprint[part] !== after[id].fingerprint[part]);
}

const edit = (path: string, from: string, to: string): Record<string, string> => {
  const text = (path === 'models/all.yml' ? MODELS : BASE_FILES[path]);
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  return { [path]: text.replace(from, to) };
};

describe('fingerprints', () => {
  it('nothing changed: nothing changes', async () => {
    expect(await changedBy({})).toEqual([]);
    expect(await changedBy({}, 'metadata')).toEqual([]);
  });

  it('a description change is metadata only (for the node and its descendants), never data', async () => {
    const change = edit('models/all.yml', 'Sentiment of each review.', 'The sentiment of each review.');
    const before = await nodes();
    writeFiles(dir, change);
    const after = await nodes();
    expect(ALL.filter((id) => before[id].fingerprint.data !== after[id].fingerprint.data)).toEqual([]);
    expect(ALL.filter((id) => before[id].fingerprint.metadata !== after[id].fingerprint.metadata)).toEqual(DOWNSTREAM_OF_SENTIMENT);
    const s = 'model.fp.sentiment';
    const changedChecksums = Object.keys(before[s].checksums).filter((k) => before[s].checksums[k as 'docs'] !== after[s].checksums[k as 'docs']);
    expect(changedChecksums).toEqual(['docs']);
  });

  it('a tag or meta change is metadata only', async () => {
    expect(await changedBy(edit('models/all.yml', '    prompt: issues\n', '    prompt: issues\n    tags: [x]\n    meta: { owner: me }\n'))).toEqual([]);
  });

  it('a prompt change upstream changes the data fingerprint of every node downstream, and of nothing else', async () => {
    expect(await changedBy(edit('prompts/sentiment.njk', 'Label it.', 'Label it carefully.'))).toEqual(DOWNSTREAM_OF_SENTIMENT);
  });

  it('a change in a macro file the prompt imports is a prompt change', async () => {
    expect(await changedBy(edit('prompts/macros.njk', '<r>', '<review>'))).toEqual(DOWNSTREAM_OF_SENTIMENT);
  });

  it('a context file change reaches the nodes using it (and their descendants) only', async () => {
    expect(await changedBy(edit('context/taxonomy.md', 'pos | neg', 'pos | neg | mixed'))).toEqual(DOWNSTREAM_OF_SENTIMENT);
    expect(await changedBy(edit('context/tone.md', 'Be kind.', 'Be kinder.'))).toEqual(['model.fp.tone_check']);
  });

  it.each([
    ['LLM parameters', edit('models/all.yml', 'llm: { temperature: 0 }', 'llm: { temperature: 0.5 }')],
    ['the LLM model', edit('models/all.yml', 'llm: { temperature: 0 }', 'llm: { temperature: 0, model: gpt-4o }')],
    ['the output schema', edit('models/all.yml', 'properties: { label: { type: string } }', 'properties: { label: { type: string, enum: [pos, neg] } }')],
    ['the evaluators', edit('models/all.yml', 'values: [pos, neg], threshold: 1', 'values: [pos, neg], threshold: 0.5')],
    ['the from relation', edit('models/all.yml', "from: ref('clean')\n    prompt: sentiment", "from: ref('counts')\n    prompt: sentiment")],
  ])('%s change data downstream', async (_, change) => {
    expect(await changedBy(change)).toEqual(DOWNSTREAM_OF_SENTIMENT);
  });

  it('a project-wide default reaches every llm model that does not override it (and their descendants)', async () => {
    expect(await changedBy({ 'loom_project.yml': 'name: fp\ndefaults:\n  llm: { model: gpt-4o-mini, max_tokens: 100 }\n' })).toEqual([
      'model.fp.sentiment',
      'model.fp.triage',
      'model.fp.issues',
      'model.fp.report',
      'model.fp.tone_check',
    ]);
  });

  it('an sql change changes data downstream only', async () => {
    expect(await changedBy(edit('models/all.yml', "sql: select * from {{ ref('sentiment') }}", "sql: select *, 1 as one from {{ ref('sentiment') }}"))).toEqual([
      'model.fp.triage',
      'model.fp.issues',
      'model.fp.report',
    ]);
  });

  it("sources fingerprint their location, not their content: new rows are found row by row at build time", async () => {
    expect(await changedBy({ 'data/reviews.csv': 'id,text\n1,good\n2,bad\n' })).toEqual([]);
    expect(await changedBy({ 'data/other.csv': 'id,text\n', 'models/all.yml': MODELS.replace('data/reviews.csv', 'data/other.csv') })).toEqual(ALL);
  });

  it('fingerprints are sha256 hex and data differs from metadata', async () => {
    for (const node of Object.values(await nodes())) {
      expect(node.fingerprint.data).toMatch(/^[0-9a-f]{64}$/);
      expect(node.fingerprint.metadata).toMatch(/^[0-9a-f]{64}$/);
      expect(node.fingerprint.data).not.toBe(node.fingerprint.metadata);
    }
  });
});
