/** dbt-style models/**\/*.sql files: config(), docs from YAML, duplicates, positions, dbt folders. */
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { readSqlConfig } from '../../../src/parse/sql-config.js';
import { headersOf } from '../../support/diagnostic-lines.js';
import { projectFrom, removeTempProjects } from '../../support/fixture-projects.js';

afterAll(removeTempProjects);

const PROJECT = 'name: p\n';

async function compiled(files: Record<string, string>, project = PROJECT) {
  return compile({ projectDir: projectFrom({ 'loom_project.yml': project, ...files }), env: {}, write: false });
}

describe('readSqlConfig', () => {
  it('reads literal keyword arguments and takes the call out of the query, keeping every line', () => {
    const text = "{{ config(materialized='view', tags=['a', \"b\"], enabled=false, meta={'owner': 'ana'}) }}\nselect 1\n";
    const config = readSqlConfig('models/m.sql', text);
    expect(config.diagnostics).toEqual([]);
    expect(config.values).toEqual({ materialized: 'view', tags: ['a', 'b'], enabled: false, meta: { owner: 'ana' } });
    expect(config.sql).toBe('\nselect 1\n');
  });

  it('blanks a call with text after it on its line, so the columns after it stay right', () => {
    const config = readSqlConfig('models/m.sql', "{{- config(tags='x') -}} select {{ ref('a') }}\n");
    expect(config.values).toEqual({ tags: ['x'] });
    expect(config.sql.indexOf("{{ ref('a') }}")).toBe("{{- config(tags='x') -}} select ".length);
    expect(config.sql).not.toContain('config');
  });

  it('does not mistake a }} inside a string for the end of the call', () => {
    const config = readSqlConfig('models/m.sql', "{{ config(meta={'note': 'a }} b'}) }}\nselect 1\n");
    expect(config.values).toEqual({ meta: { note: 'a }} b' } });
    expect(config.sql).toBe('\nselect 1\n');
  });

  it('reports unknown keys, non-literals, positional arguments and calls inside blocks at their positions', () => {
    const text = "{{ config(materialize='view', tags=var('t')) }}\n{{ config('view') }}\n{% if true %}{{ config(tags=['x']) }}{% endif %}\n";
    const headers = headersOf(readSqlConfig('models/m.sql', text).diagnostics);
    expect(headers).toEqual([
      'models/m.sql:1:11: error LOOM016: config() does not take `materialize` (did you mean `materialized`?); accepted: `materialized`, `tags`, `enabled` or `meta`',
      'models/m.sql:1:36: error LOOM016: config(tags=…) must be a literal (a quoted string, a number, true/false, a [list] or a {mapping})',
      "models/m.sql:2:11: error LOOM016: config() takes keyword arguments only, e.g. {{ config(materialized='view', tags=['nightly']) }}",
      "models/m.sql:3:17: error LOOM016: config() must be a statement of its own at the top of the file, `{{ config(materialized='view') }}`, not inside a block or an expression",
    ]);
  });
});

describe('.sql model files in a project', () => {
  it('an entry with kind: sql and no sql: documents the file; YAML materialized yields to config()', async () => {
    const outcome = await compiled({
      'models/a.sql': "{{ config(materialized='view') }}\nselect 1 as x\n",
      'models/a.yml': 'models:\n  - name: a\n    kind: sql\n    materialized: table\n    description: From YAML.\n',
    });
    expect(headersOf(outcome.diagnostics)).toEqual([]);
    const node = outcome.manifest!.nodes['model.p.a'];
    expect(node.config.materialized).toBe('view');
    expect(node.description).toBe('From YAML.');
    expect(node.original_file_path).toBe('models/a.sql');
  });

  it('a ref to nothing in a .sql file is reported at its line and column in that file', async () => {
    const outcome = await compiled({ 'models/a.sql': "-- first\nselect *\nfrom {{ ref('nope') }}\n" });
    expect(headersOf(outcome.diagnostics)).toEqual(["models/a.sql:3:9: error LOOM040: ref('nope') in model `a`: no model is named `nope`"]);
  });

  it('a YAML docs entry with its own errors documents nothing, and does not hide the file', async () => {
    const outcome = await compiled({
      'models/a.sql': 'select 1 as x\n',
      'models/b.sql': "select * from {{ ref('a') }}\n",
      'models/a.yml': 'models:\n  - name: a\n    descripton: typo\n',
    });
    expect(headersOf(outcome.diagnostics)).toEqual([
      'models/a.yml:3:5: error LOOM010: unknown key `descripton` in `models[0]` (did you mean `description`?); accepted keys: `name`, `kind`, `description`, `enabled`, `tags`, `meta`, `columns`, `materialized`, `sql`, `from`, `unique_key`, `prompt`, `system`, `llm`, `output`, `passthrough`, `batch_size`, `budget_usd` or `evaluate`',
    ]);
  });

  it('two .sql files of one name are one model defined twice', async () => {
    const outcome = await compiled({ 'models/x/a.sql': 'select 1\n', 'models/y/a.sql': 'select 2\n' });
    expect(headersOf(outcome.diagnostics)).toEqual(['models/y/a.sql:1:1: error LOOM030: model `a` is defined twice; the first definition is at models/x/a.sql:1:1']);
  });

  it('does not warn about a dbt folder that a configured path reads', async () => {
    const files = { 'macros/m.njk': '{% macro x() %}x{% endmacro %}\n', 'seeds/s.csv': 'a\n1\n', 'models/a.sql': 'select 1\n' };
    const warned = headersOf((await compiled(files)).diagnostics).map((h) => h.split(': ')[0]);
    expect(warned).toEqual(['macros/m.njk:1:1', 'seeds/s.csv:1:1']);
    const configured = await compiled(files, 'name: p\nprompt-paths: [prompts, macros]\n');
    expect(headersOf(configured.diagnostics).map((h) => h.split(': ')[0])).toEqual(['seeds/s.csv:1:1']);
  });
});
