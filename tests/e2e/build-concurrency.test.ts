import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loom, query, removeDir, reviewsCsv, tempDir, writeProject } from './support/project.js';

describe('llm models running side by side', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('answers every pending row of each model when several stream their inputs at once', async () => {
    const model = (name: string) => `  - name: ${name}
    kind: llm
    from: source('shop', 'reviews')
    unique_key: id
    prompt: p
    output: { type: object, properties: { label: { type: string } }, required: [label] }
`;
    dir = writeProject(tempDir(), {
      'loom_project.yml': 'name: side_by_side\nthreads: 4\ndefaults:\n  llm: { model: gpt-4o-mini }\n',
      // More rows than one streamed chunk (2,048), so reads of several models interleave between chunks.
      'data/reviews.csv': reviewsCsv(5000),
      'prompts/p.njk': 'Label {{ row.id }}: {{ row.text }}',
      'models/m.yml': `sources:\n  - name: shop\n    tables:\n      - { name: reviews, path: data/reviews.csv }\nmodels:\n${model('a')}${model('b')}${model('c')}`,
    });
    const r = await loom(['build'], dir);
    expect(r.code).toBe(0);
    for (const name of ['a', 'b', 'c']) {
      const rows = await query<{ n: number }>(dir, `select count(*) as n from main.${name}`);
      expect(rows[0].n).toBe(5000);
    }
  });
});

describe('compiles running at the same time', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('two compiles of one project both succeed and leave a valid manifest (each writes a temporary file of its own)', async () => {
    const models = Array.from({ length: 300 }, (_, i) => `  - { name: m${i}, kind: sql, sql: "select ${i} as n" }\n`).join('');
    dir = writeProject(tempDir(), { 'loom_project.yml': 'name: twice\n', 'models/m.yml': `models:\n${models}` });
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all([loom(['compile', '--no-partial-parse'], dir), loom(['compile', '--no-partial-parse'], dir)]);
      for (const r of runs) expect(r.stderr + r.stdout).not.toMatch(/error/i);
      for (const r of runs) expect(r.code).toBe(0);
      const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, unknown> };
      expect(Object.keys(manifest.nodes)).toHaveLength(300);
      expect(readdirSync(join(dir, 'target')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
  });
});
