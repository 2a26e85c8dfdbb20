import { afterEach, describe, expect, it } from 'vitest';
import { loom, query, removeDir, tempDir, writeProject } from './support/project.js';

const project = {
  'loom_project.yml': 'name: inject\nvars: { min_length: 3 }\ndefaults:\n  llm: { provider: offline, model: gpt-4o-mini }\n',
  'data/r.csv': 'id,text\nr1,a fine review\nr2,ok\n',
  'models/m.yml': `sources:
  - name: shop
    tables:
      - { name: reviews, path: data/r.csv }
models:
  - name: clean
    kind: sql
    sql: select * from {{ source('shop', 'reviews') }} where length(text) >= {{ var('min_length') }}
`,
};

describe('a sql model is exactly one statement', () => {
  let dir: string;
  afterEach(() => removeDir(dir));

  it('refuses a --vars value that adds a statement, at the sql, before anything runs', async () => {
    dir = writeProject(tempDir(), project);
    expect((await loom(['build'], dir)).code).toBe(0);
    const injected = await loom(['build', '--vars', '{min_length: "0; drop table loom.runs; --"}'], dir);
    expect(injected.code).toBe(1);
    expect(injected.stdout + injected.stderr).toMatch(/models\/m\.yml:8:10: error LOOM057: the sql of `clean` compiles to 2 statements/);
    expect(await query(dir, 'select count(*) as n from loom.runs')).toEqual([{ n: 1 }]);
    const again = await loom(['build'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Completed successfully');
  });

  it('a trailing semicolon is still one statement', async () => {
    dir = writeProject(tempDir(), { ...project, 'models/m.yml': project['models/m.yml'].replace("{{ var('min_length') }}", "{{ var('min_length') }};") });
    const built = await loom(['build'], dir);
    expect(built.code).toBe(0);
    expect(await query(dir, 'select count(*) as n from main.clean')).toEqual([{ n: 1 }]);
  });

  it('re-creates a Loom table dropped from outside, with a warning, and builds', async () => {
    dir = writeProject(tempDir(), project);
    expect((await loom(['build'], dir)).code).toBe(0);
    await query(dir, 'drop table loom.runs');
    const rebuilt = await loom(['build'], dir);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout + rebuilt.stderr).toContain("warning: the warehouse was missing Loom's own loom.runs");
    expect(await query(dir, 'select count(*) as n from loom.runs')).toEqual([{ n: 1 }]);
  });

  it('a Loom table altered from outside stops the build with LOOM206 and the repair, no stack trace', async () => {
    dir = writeProject(tempDir(), project);
    expect((await loom(['build'], dir)).code).toBe(0);
    await query(dir, 'alter table loom.node_state drop column table_signature');
    const broken = await loom(['build'], dir);
    expect(broken.code).toBe(1);
    const text = broken.stdout + broken.stderr;
    expect(text).toContain('LOOM206');
    expect(text).toContain('loom.node_state has columns (unique_id, data_fingerprint, run_id, updated_at)');
    expect(text).toContain('loom clean --warehouse');
    expect(text).not.toMatch(/^\s+at\s/m);
  });
});
