import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loom, readJson, removeDir, tempDir, writeProject } from './support/project.js';

const project = (tables: string, model = '') => ({
  'loom_project.yml': 'name: files\ndefaults:\n  llm: { provider: offline, model: gpt-4o-mini }\n',
  'prompts/p.njk': 'Label {{ row.text }}\n',
  'models/m.yml': `sources:
  - name: shop
    tables:
${tables}
${model}`,
});

const resultOf = (dir: string, id: string) => readJson(join(dir, 'target/run_results.json')).results.find((r: { unique_id: string }) => r.unique_id === id);

describe('source files', () => {
  let dir: string;
  let outside: string;
  afterEach(() => {
    removeDir(dir);
    if (outside) removeDir(outside);
  });

  it('warns at compile about a path outside the project, relative or absolute, at the path', async () => {
    outside = tempDir('loom-outside-');
    writeFileSync(join(outside, 'secret.csv'), 'id,text\n1,secret\n');
    dir = tempDir();
    writeProject(dir, project(`      - { name: climbs, path: ../${outside.split('/').pop()}/secret.csv }\n      - { name: absolute, path: ${join(outside, 'secret.csv')} }\n      - { name: inside, path: data/ok.csv }`));
    writeProject(dir, { 'data/ok.csv': 'id,text\n1,fine\n' });
    const compiled = await loom(['compile'], dir);
    expect(compiled.code).toBe(0);
    const text = compiled.stdout + compiled.stderr;
    expect(text).toMatch(/models\/m\.yml:4:31: warning LOOM036: source `shop\.climbs` reads \.\.\/.*secret\.csv, outside the project/);
    expect(text).toMatch(/models\/m\.yml:5:33: warning LOOM036: source `shop\.absolute`/);
    expect(text).not.toContain('shop.inside');
  });

  it('a Latin-1 file: DuckDB’s whole explanation, the right line, the file and the options fix', async () => {
    dir = writeProject(tempDir(), project('      - { name: reviews, path: data/r.csv }'));
    writeProject(dir, { 'data/r.csv': '' });
    writeFileSync(join(dir, 'data/r.csv'), Buffer.concat([Buffer.from('id,text\n1,plain\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const built = await loom(['build'], dir);
    expect(built.code).toBe(1);
    const message: string = resultOf(dir, 'source.files.shop.reviews').message;
    expect(message).toMatch(/^cannot read data\/r\.csv \(source shop\.reviews, models\/m\.yml\): Invalid Input Error: CSV Error on line 3/);
    expect(message).toContain('This file is not utf-8 encoded');
    expect(message).toContain('options: { encoding: latin-1 }');
    expect(message).not.toContain('delimiter =');
    expect(built.stdout).toContain('options: { encoding: latin-1 }');

    writeProject(dir, project("      - { name: reviews, path: data/r.csv, options: { encoding: latin-1 } }"));
    const fixed = await loom(['build'], dir);
    expect(fixed.code).toBe(0);
    expect(resultOf(dir, 'source.files.shop.reviews').rows).toBe(2);
  });

  it('a field over max_line_size: the right line and max_line_size, which options pass through', async () => {
    dir = writeProject(tempDir(), project('      - { name: reviews, path: data/r.csv }'));
    writeProject(dir, { 'data/r.csv': '' });
    writeFileSync(join(dir, 'data/r.csv'), `id,text\n1,short\n2,short\n3,${'x'.repeat(2_100_000)}\n4,ok\n`);
    const built = await loom(['build'], dir);
    expect(built.code).toBe(1);
    const message: string = resultOf(dir, 'source.files.shop.reviews').message;
    expect(message).toMatch(/^cannot read data\/r\.csv \(source shop\.reviews, models\/m\.yml\): Invalid Input Error: CSV Error on line 4/);
    expect(message).toContain('Maximum line size of 2000000 bytes exceeded');
    expect(message).toContain('options: { max_line_size: 3000000 }');
    expect(message.length).toBeLessThan(2000);

    writeProject(dir, project('      - { name: reviews, path: data/r.csv, options: { max_line_size: 3000000 } }'));
    expect((await loom(['build'], dir)).code).toBe(0);
    expect(resultOf(dir, 'source.files.shop.reviews').rows).toBe(4);
  });

  it('a zero-byte file is an error naming it', async () => {
    dir = writeProject(tempDir(), { ...project('      - { name: reviews, path: data/r.csv }'), 'data/r.csv': '' });
    const built = await loom(['build'], dir);
    expect(built.code).toBe(1);
    expect(resultOf(dir, 'source.files.shop.reviews').message).toBe(
      'data file data/r.csv is empty (0 bytes; source shop.reviews, models/m.yml): a csv source needs at least a header line',
    );
  });

  it('a source that becomes empty reports the rows that went, down to its llm model', async () => {
    const model = `models:
  - name: labeled
    kind: llm
    from: source('shop', 'reviews')
    unique_key: id
    prompt: p
    output: { type: object, properties: { label: { type: string } }, required: [label] }
`;
    dir = writeProject(tempDir(), { ...project('      - { name: reviews, path: data/r.csv }', model), 'data/r.csv': `id,text\n${Array.from({ length: 40 }, (_, i) => `r${i},review ${i}`).join('\n')}\n` });
    expect((await loom(['build'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'data/r.csv'), 'id,text\n');
    const emptied = await loom(['build'], dir);
    expect(emptied.code).toBe(0);
    expect(resultOf(dir, 'source.files.shop.reviews')).toMatchObject({ rows: 0, rows_deleted: 40 });
    expect(resultOf(dir, 'model.files.labeled')).toMatchObject({ rows: 0, rows_deleted: 40 });
    expect(emptied.stdout).toMatch(/OK source shop\.reviews \.+ \[0 rows, 40 deleted in/);
  });
});
