import { afterEach, describe, expect, it } from 'vitest';
import { loom, readJson, removeDir, tempDir, writeProject } from './support/project.js';

const project = (evaluateExtra = '') => ({
  'loom_project.yml': 'name: gate\ndefaults:\n  llm: { provider: offline, model: gpt-4o-mini }\n',
  'data/r.csv': 'id,text\nr1,a fine review\nr2,a poor review\nr3,an odd review\n',
  'prompts/p.njk': 'Label {{ row.text }}\n',
  'models/m.yml': `sources:
  - name: shop
    tables:
      - { name: reviews, path: data/r.csv }
models:
  - name: labeled
    kind: llm
    from: source('shop', 'reviews')
    unique_key: id
    prompt: p
    output: { type: object, properties: { label: { type: string } }, required: [label] }
    evaluate:
      evaluators:
        - { name: never, type: regex, pattern: "^no answer is ever this$" }
${evaluateExtra}`,
});

describe('an llm model of which no answered row passed', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('ends partial with exit 1 and says so', async () => {
    dir = writeProject(tempDir(), project());
    const built = await loom(['build'], dir);
    expect(built.code).toBe(1);
    expect(built.stdout).toMatch(/PARTIAL llm model labeled/);
    const result = readJson(`${dir}/target/run_results.json`).results.find((r: { unique_id: string }) => r.unique_id === 'model.gate.labeled');
    expect(result.status).toBe('partial');
    expect(result.rows_quarantined).toBe(3);
    expect(result.message).toContain('all 3 answered rows failed (quarantined or skipped), none loaded');
    // Nothing new is answered on the next build: nothing to report, success.
    expect((await loom(['build'], dir)).code).toBe(0);
  });

  it('a model that sets batch_threshold: 0 accepts it', async () => {
    dir = writeProject(tempDir(), project('      batch_threshold: 0\n'));
    const built = await loom(['build'], dir);
    expect(built.code).toBe(0);
    expect(built.stdout).toContain('Completed successfully');
  });
});
