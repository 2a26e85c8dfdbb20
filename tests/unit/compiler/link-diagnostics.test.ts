/** The linker's diagnostics one by one, each on a tiny inline project, asserting code, message and line:col. */
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { assertValidManifest } from '../../support/artifact-schemas.js';
import { headersOf } from '../../support/diagnostic-lines.js';
import { projectFrom, removeTempProjects } from '../../support/fixture-projects.js';

afterAll(removeTempProjects);

const PROJECT = 'name: p\ndefaults:\n  llm: { model: gpt-4o-mini }\n';
const SOURCE = "sources:\n  - name: s\n    tables: [{ name: t, path: data/t.csv }]\n";

async function diagnose(files: Record<string, string>, env: Record<string, string> = {}): Promise<string[]> {
  const outcome = await compile({ projectDir: projectFrom({ 'loom_project.yml': PROJECT, ...files }), env, write: false });
  return headersOf(outcome.diagnostics);
}

describe('linking models', () => {
  it('LOOM015: a key of the other kind of model', async () => {
    expect(await diagnose({ 'models/m.yml': `${SOURCE}models:\n  - name: a\n    kind: sql\n    prompt: x\n    sql: select 1\n` })).toEqual([
      'models/m.yml:7:5: error LOOM015: `prompt` applies only to llm models; `a` is a sql model',
    ]);
  });

  it('LOOM013: an sql model without sql, an llm model without from or prompt', async () => {
    expect(await diagnose({ 'models/m.yml': 'models:\n  - name: a\n    kind: sql\n  - name: b\n    kind: llm\n' })).toEqual([
      'models/m.yml:2:5: error LOOM013: sql model `a` needs a `sql:` query',
      "models/m.yml:4:5: error LOOM013: llm model `b` needs `from:`, the relation its rows come from, e.g. from: ref('reviews_clean')",
      'models/m.yml:4:5: error LOOM013: llm model `b` needs `prompt:`, the name of a template in prompts',
    ]);
  });

  it('LOOM071: from must be one ref or source', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - name: a\n    kind: llm\n    from: reviews\n    prompt: p\n  - name: b\n    kind: llm\n    from: "{{ ref('a') }} union {{ ref('a') }}"\n    prompt: p\n`,
      'prompts/p.njk': '{{ row.x }}\n',
    });
    expect(found).toEqual([
      "models/m.yml:7:11: error LOOM071: `from` of `a` must be one ref('model') or source('source', 'table'); got `reviews`",
      "models/m.yml:11:11: error LOOM071: `from` of `b` must be one ref('model') or source('source', 'table'); got `{{ ref('a') }} union {{ ref('a') }}`",
    ]);
  });

  it('LOOM072: an output schema that is not a JSON Schema of one object', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - name: a\n    kind: llm\n    from: source('s', 't')\n    prompt: p\n    output: { type: array }\n  - name: b\n    kind: llm\n    from: source('s', 't')\n    prompt: p\n    output: { type: object, required: 3 }\n`,
      'prompts/p.njk': '{{ row.x }}\n',
    });
    expect(found).toEqual([
      'models/m.yml:9:21: error LOOM072: the output schema of `a` must describe one output row, an object (`type: object`); got `type: array`',
      'models/m.yml:14:39: error LOOM072: the output schema of `b` is not a valid JSON Schema: `required` must be a list, got `3`',
    ]);
  });

  it('LOOM072: an output schema naming a meta-schema Loom does not know is a user error, not a crash', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - name: a\n    kind: llm\n    from: source('s', 't')\n    prompt: p\n    output: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: object }\n  - name: b\n    kind: llm\n    from: source('s', 't')\n    prompt: p\n    output: { $schema: 'http://json-schema.org/draft-07/schema#', type: object, required: 3 }\n`,
      'prompts/p.njk': '{{ row.x }}\n',
    });
    expect(found).toEqual([
      'models/m.yml:9:24: error LOOM072: the output schema of `a` names `$schema: https://json-schema.org/draft/2020-12/schema`, a JSON Schema version Loom does not check against; use draft-07 (`http://json-schema.org/draft-07/schema#`) or leave `$schema` out',
      'models/m.yml:14:91: error LOOM072: the output schema of `b` is not a valid JSON Schema: `required` must be a list, got `3`',
    ]);
  });

  it('LOOM053 and LOOM052: refs must be literal and well-formed', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - name: a\n    kind: sql\n    sql: "select * from {{ ref(name) }}"\n  - name: b\n    kind: sql\n    sql: "select * from {{ ref('a', 'v2') }} join {{ source('s') }}"\n`,
    });
    expect(found).toEqual([
      "models/m.yml:7:28: error LOOM053: ref() in model `a` must be called with quoted names (e.g. ref('orders')) so the DAG is known before anything runs",
      "models/m.yml:10:28: error LOOM052: ref() in model `b` takes one model name, e.g. ref('orders'); got ref('a', 'v2')",
      "models/m.yml:10:54: error LOOM052: source() in model `b` takes a source name and a table name, e.g. source('shop', 'orders'); got source('s')",
    ]);
  });

  it('LOOM054: include in inline sql', async () => {
    expect(await diagnose({ 'models/m.yml': "models:\n  - name: a\n    kind: sql\n    sql: |\n      select 1\n      {% include 'x.njk' %}\n" })).toEqual([
      'models/m.yml:6:18: error LOOM054: the sql of `a` includes `x.njk`; include and import are for prompt templates, not inline sql',
    ]);
  });

  it('LOOM042 and LOOM045: vars and env vars without a value or default; defaults are fine', async () => {
    const found = await diagnose(
      {
        'models/m.yml':
          "models:\n  - name: a\n    kind: sql\n    sql: select {{ var('nope') }}, {{ var('nope', 1) }}, {{ env_var('LOOM_UNSET') }}, {{ env_var('LOOM_UNSET', 'x') }}, {{ env_var('LOOM_SET') }}\n",
      },
      { LOOM_SET: 'yes' },
    );
    expect(found).toEqual([
      'models/m.yml:4:20: error LOOM042: var(\'nope\') in model `a`: variable `nope` is not defined in loom_project.yml `vars:` or --vars and has no default',
      "models/m.yml:4:61: error LOOM045: env_var('LOOM_UNSET') in model `a`: environment variable `LOOM_UNSET` is not set and has no default (write env_var('LOOM_UNSET', 'default'))",
    ]);
  });

  it('LOOM032: two context files with one name', async () => {
    expect(await diagnose({ 'context/style.md': 'a', 'context/more/style.txt': 'b' })).toEqual([
      'context/style.md:1:1: error LOOM032: two context files are both named `style`: context/more/style.txt and context/style.md; context(\'style\') would be ambiguous, rename one',
    ]);
  });

  it('LOOM051: a render error at compile time (an sql that calls something computed)', async () => {
    const found = await diagnose({ 'models/m.yml': "models:\n  - name: a\n    kind: sql\n    sql: |\n      select 1\n      {{ var('x' ~ 'y') }}\n" });
    expect(found).toEqual(["models/m.yml:6:13: error LOOM051: cannot render the sql of `a`: var('xy') is not defined in loom_project.yml vars or --vars and has no default"]);
  });

  it('LOOM050 for a prompt is reported once per file, however many models use it', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - { name: a, kind: llm, from: "source('s', 't')", prompt: p }\n  - { name: b, kind: llm, from: "source('s', 't')", prompt: p }\n`,
      'prompts/p.njk': 'Hello {{ row.x }\n',
    });
    expect(found).toEqual(['prompts/p.njk:1:16: error LOOM050: template syntax error: expected variable end']);
  });

  it('a template syntax error is reported even when no model uses the file', async () => {
    expect(await diagnose({ 'prompts/unused.njk': 'x\n{% if %}\n' })).toEqual(['prompts/unused.njk:2:7: error LOOM050: template syntax error: unexpected token: %}']);
  });

  it('a missing include shared by two models is reported once', async () => {
    const found = await diagnose({
      'models/m.yml': `${SOURCE}models:\n  - { name: a, kind: llm, from: "source('s', 't')", prompt: p }\n  - { name: b, kind: llm, from: "source('s', 't')", prompt: p }\n`,
      'prompts/p.njk': '{% include "gone.njk" %}{{ row.x }}\n',
    });
    expect(found).toEqual(['prompts/p.njk:1:12: error LOOM043: template `gone.njk` included here does not exist']);
  });

  it('refs to a model whose own entry is broken do not cascade', async () => {
    const found = await diagnose({
      'models/m.yml': "models:\n  - name: a\n    kind: sql\n    materialized: tabel\n    sql: select 1\n  - name: b\n    kind: sql\n    sql: select * from {{ ref('a') }}\n",
    });
    expect(found).toEqual(['models/m.yml:4:19: error LOOM012: `models[0].materialized` must be `table` or `view`, got `tabel` (did you mean `table`?)']);
  });

  it('a file that is not a mapping', async () => {
    expect(await diagnose({ 'models/m.yml': '- name: a\n' })).toEqual(['models/m.yml:1:1: error LOOM011: models/m.yml must be a mapping with `sources:` and/or `models:`']);
  });
});

describe('the compile outcome', () => {
  it('diagnostics come sorted by file and position, and readSource returns the files they point into', async () => {
    const dir = projectFrom({
      'loom_project.yml': PROJECT,
      'models/b.yml': "models:\n  - { name: b, kind: sql, sql: \"select * from {{ ref('zz') }}\" }\n",
      'models/a.yml': "models:\n  - { name: a, kind: sql, sql: \"select * from {{ ref('yy') }}\" }\n  - { name: c, kind: sqll }\n",
    });
    const outcome = await compile({ projectDir: dir, write: false });
    expect(outcome.ok).toBe(false);
    expect(outcome.diagnostics.map((d) => `${d.location!.file}:${d.location!.line}`)).toEqual(['models/a.yml:2', 'models/a.yml:3', 'models/b.yml:2']);
    expect(outcome.readSource('models/a.yml')).toContain("ref('yy')");
    expect(outcome.readSource('nope.yml')).toBeUndefined();
  });

  it('a clean project has no diagnostics and every enabled node selected', async () => {
    const dir = projectFrom({
      'loom_project.yml': PROJECT,
      'data/t.csv': 'id\n1\n',
      'models/m.yml': `${SOURCE}models:\n  - { name: a, kind: sql, sql: "select * from {{ source('s', 't') }}" }\n  - { name: off, kind: sql, enabled: false, sql: select 1 }\n`,
    });
    const outcome = await compile({ projectDir: dir, write: false });
    expect(outcome.diagnostics).toEqual([]);
    assertValidManifest(outcome.manifest);
    expect(outcome.selected).toEqual(['source.p.s.t', 'model.p.a']);
    expect(Object.keys(outcome.manifest!.nodes).sort()).toEqual(['model.p.a', 'model.p.off', 'source.p.s.t']);
  });
});

describe('relations that the warehouse would confuse', () => {
  it('LOOM033: two models whose names differ only by case', async () => {
    expect(await diagnose({ 'models/m.yml': 'models:\n  - { name: Orders, kind: sql, sql: select 1 }\n  - { name: orders, kind: sql, sql: select 2 }\n' })).toEqual([
      'models/m.yml:3:5: error LOOM033: model `orders` and model `Orders` (models/m.yml:2:5) would both be stored as "main"."orders": the warehouse ignores case in names; rename one',
    ]);
  });

  it('LOOM033: a file source named `main` and a model named like its table', async () => {
    expect(
      await diagnose({ 'models/m.yml': 'sources:\n  - name: main\n    tables: [{ name: reviews, path: data/r.csv }]\nmodels:\n  - { name: reviews, kind: sql, sql: select 1 }\n' }),
    ).toEqual([
      'models/m.yml:5:5: error LOOM033: model `reviews` and source `main.reviews` (models/m.yml:3:14) would both be stored as "main"."reviews": the warehouse ignores case in names; rename one',
    ]);
  });

  it('LOOM034: a pipeline extracting from a table another node writes is told to say so with source()/ref()', async () => {
    expect(
      await diagnose({
        'models/m.yml': 'sources:\n  - name: raw\n    tables: [{ name: items, path: data/items.csv }]\n',
        'pipelines/a.yml': 'name: a\nextract: { source: raw.items }\ntransform: { prompt: p, model: m }\n',
        'prompts/p.njk': '{{ row.x }}\n',
      }),
    ).toEqual([
      "pipelines/a.yml:2:20: error LOOM034: `raw.items` is the table source `raw.items` writes; read it with source('raw', 'items') so the dependency is known and it is built first",
    ]);
  });

  it('two sources may read the same warehouse table', async () => {
    const files = {
      'pipelines/a.yml': 'name: a\nextract: { source: analytics.reviews }\ntransform: { prompt: p, model: m }\n',
      'pipelines/b.yml': 'name: b\nextract: { source: analytics.reviews }\ntransform: { prompt: p, model: m }\n',
      'prompts/p.njk': '{{ row.x }}\n',
    };
    expect(await diagnose(files)).toEqual([]);
  });
});

describe('seed-format pipelines report at the keys they were written with', () => {
  it('URLs, a missing prompt, a bad output schema and a missing model point into the pipeline file', async () => {
    const outcome = await compile({
      projectDir: projectFrom({
        'loom_project.yml': 'name: p\n',
        'pipelines/a.yml': 'name: a\nextract:\n  source: postgres://customers/reviews\ntransform:\n  prompt: prompts/x.txt\n  model: m\n',
        'pipelines/b.yml':
          'name: b\nextract:\n  source: data/b.csv\ntransform:\n  prompt: prompts/nope.txt\n  model: m\n  output: { type: array }\nload:\n  destination: postgres://analytics/scores\n',
        'pipelines/c.yml': "name: c\nextract:\n  source: ref('b')\ntransform:\n  prompt: prompts/x.txt\n",
        'prompts/x.txt': 'x {{ row.a }}\n',
      }),
      write: false,
    });
    expect(headersOf(outcome.diagnostics)).toEqual([
      "pipelines/a.yml:3:11: error LOOM090: extract.source `postgres://customers/reviews`: postgres:// URLs are not supported yet; use a data file (.csv, .json, .ndjson, .parquet), a warehouse table (schema.table) or ref('model')",
      'pipelines/b.yml:5:11: error LOOM043: prompt `prompts/nope.txt` of `b`: no such template in prompts (did you mean `prompts/x.txt`?)',
      'pipelines/b.yml:7:19: error LOOM072: the output schema of `b` must describe one output row, an object (`type: object`); got `type: array`',
      'pipelines/b.yml:9:16: error LOOM090: load.destination `postgres://analytics/scores`: postgres:// URLs are not supported yet; use a data file (.csv, .json, .ndjson, .parquet) or a warehouse table (schema.table)',
      'pipelines/c.yml:5:3: error LOOM074: llm model `c` names no model: set `transform.model` on it or `defaults: { llm: { model: ... } }` in loom_project.yml',
    ]);
  });
});
