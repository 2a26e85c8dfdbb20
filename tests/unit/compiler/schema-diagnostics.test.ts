import { describe, expect, it } from 'vitest';
import { YamlFile } from '../../../src/base/yaml-file.js';
import { describePath, validateYaml, validateYamlAt } from '../../../src/schemas/diagnose.js';
import type { SchemaName } from '../../../src/schemas/registry.js';

/** `line:col CODE message` of every schema problem of `text`. */
function problems(schema: SchemaName, text: string, path = 'file.yml'): string[] {
  const file = new YamlFile(path, text);
  expect(file.diagnostics).toEqual([]);
  return validateYaml(file, schema).map((d) => `${d.location!.line}:${d.location!.col} ${d.code} ${d.message}`);
}

const ACCEPTED_PROJECT_KEYS =
  '`name`, `version`, `description`, `model-paths`, `pipeline-paths`, `prompt-paths`, `context-paths`, `target-path`, `warehouse`, `warehouse_memory_limit`, `threads`, `budget_usd`, `vars`, `defaults`, `targets`, `default_target` or `pricing`';

describe('unknown keys (LOOM010)', () => {
  it('suggests the nearest accepted key and lists them all, pointing at the key', () => {
    expect(problems('loom_project', 'name: p\nmodel_paths: [models]\n', 'loom_project.yml')).toEqual([
      `2:1 LOOM010 unknown key \`model_paths\` in loom_project.yml (did you mean \`model-paths\`?); accepted keys: ${ACCEPTED_PROJECT_KEYS}`,
    ]);
  });

  it('inside a list entry the subject is the path of the entry', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: sql\n    sql: select 1\n    desciption: x\n')[0]).toMatch(
      /^5:5 LOOM010 unknown key `desciption` in `models\[0\]` \(did you mean `description`\?\); accepted keys: `name`, `kind`, /,
    );
  });

  it('with nothing close, there is no suggestion', () => {
    expect(problems('llm-config' as SchemaName, 'zzzzzz: 1\n')[0]).toBe(
      '1:1 LOOM010 unknown key `zzzzzz` in file.yml; accepted keys: `provider`, `model`, `temperature`, `max_tokens`, `top_p`, `seed`, `extra`, `fallback_models`, `timeout_ms` or `max_input_tokens`',
    );
  });

  it('in a target', () => {
    expect(problems('loom_project', 'name: p\ntargets:\n  dev: { provider: offline, treads: 2 }\n')[0]).toMatch(
      /^3:29 LOOM010 unknown key `treads` in `targets.dev` \(did you mean `threads`\?\)/,
    );
  });
});

describe('wrong types (LOOM011) and values (LOOM012)', () => {
  it('names the expected type and the value it got, at the value', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    batch_size: ten\n')).toEqual(['4:17 LOOM011 `models[0].batch_size` must be an integer, got `ten`']);
    expect(problems('models', 'models:\n  - name: a\n    kind: sql\n    tags: nightly\n')).toEqual(['4:11 LOOM011 `models[0].tags` must be a list, got `nightly`']);
    expect(problems('models', 'models: { name: a }\n')).toEqual(['1:9 LOOM011 `models` must be a list, got a mapping']);
    expect(problems('loom_project', 'name: p\nvars: [1, 2]\n')).toEqual(['2:7 LOOM011 `vars` must be a mapping, got a list']);
  });

  it('a union type is spelled out', () => {
    expect(problems('loom_project', 'name: p\nversion: [1]\n')).toEqual(['2:10 LOOM011 `version` must be a string or a number, got a list']);
  });

  it('a bad enum value names every accepted value, and the nearest one', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: sql\n    materialized: tabel\n    sql: select 1\n')).toEqual([
      '4:19 LOOM012 `models[0].materialized` must be `table` or `view`, got `tabel` (did you mean `table`?)',
    ]);
    expect(problems('models', 'models:\n  - name: a\n    kind: python\n')).toEqual(['3:11 LOOM012 `models[0].kind` must be `sql` or `llm`, got `python`']);
    expect(problems('loom_project', 'name: p\ntargets:\n  dev: { provider: ofline }\n')).toEqual([
      '3:20 LOOM012 `targets.dev.provider` must be `openai` or `offline`, got `ofline` (did you mean `offline`?)',
    ]);
  });

  it('limits and patterns explain themselves', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    llm: { temperature: 3 }\n')).toEqual(['4:25 LOOM012 `models[0].llm.temperature` must be <= 2, got `3`']);
    expect(problems('models', 'models:\n  - name: 9lives\n    kind: sql\n')).toEqual([
      '2:11 LOOM012 `models[0].name` must be an identifier: letters, digits and underscores, not starting with a digit; got `9lives`',
    ]);
    expect(problems('loom_project', 'name: p\nbudget_usd: 0\n')).toEqual(['2:13 LOOM012 `budget_usd` must be > 0, got `0`']);
    expect(problems('models', 'models:\n  - name: a\n    kind: sql\n    sql: ""\n')).toEqual(['4:10 LOOM012 `models[0].sql` must not be empty']);
  });
});

describe('missing required keys (LOOM013)', () => {
  it('points at the mapping that lacks the key', () => {
    expect(problems('models', 'models:\n  - name: a\n')).toEqual(['2:5 LOOM013 `models[0]` is missing the required key `kind`']);
    expect(problems('loom_project', 'version: 1\n', 'loom_project.yml')).toEqual(['1:1 LOOM013 loom_project.yml is missing the required key `name`']);
    expect(problems('pipeline', 'name: p\nextract: { source: a.csv }\ntransform: { model: x }\n')).toEqual([
      '3:12 LOOM013 `transform` is missing the required key `prompt`',
    ]);
  });
});

describe('anyOf shapes', () => {
  it('plain alternatives are spelled out, without the noise of each branch', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    passthrough: id\n')).toEqual([
      '4:18 LOOM011 `models[0].passthrough` must be true or false or a list of strings, got `id`',
    ]);
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    evaluate:\n      evaluators:\n        - { type: custom_criteria, criteria: 3 }\n')).toEqual([
      '6:46 LOOM011 `models[0].evaluate.evaluators[0].criteria` must be a string or a list of strings, got `3`',
    ]);
  });

  it('alternatives with patterns or required keys fall back to the documented shape', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    evaluate:\n      evaluators:\n        - { type: equals, inputs: { output: outptu } }\n')).toEqual([
      '6:45 LOOM011 `models[0].evaluate.evaluators[0].inputs.output` has the wrong shape, got `outptu`: `output`, `output.<field>`, `input` (the whole input row as text), `input.<column>`, `prompt`, or { value: <literal> }.',
    ]);
  });

  it('a wrong item inside a branch whose shape matched is reported at the item, and only there', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    passthrough: [a, 3]\n')).toEqual(['4:22 LOOM011 `models[0].passthrough[1]` must be a string, got `3`']);
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    evaluate:\n      evaluators:\n        - { type: custom_criteria, criteria: [a, 1] }\n')).toEqual([
      '6:50 LOOM011 `models[0].evaluate.evaluators[0].criteria[1]` must be a string, got `1`',
    ]);
  });

  it('a mapping that fits no branch gets the documented shape, not the complaint of each branch', () => {
    expect(problems('models', 'models:\n  - name: a\n    kind: llm\n    evaluate:\n      evaluators:\n        - { type: equals, inputs: { output: { valu: 1 } } }\n')).toEqual([
      '6:45 LOOM011 `models[0].evaluate.evaluators[0].inputs.output` has the wrong shape, got a mapping: `output`, `output.<field>`, `input` (the whole input row as text), `input.<column>`, `prompt`, or { value: <literal> }.',
    ]);
  });
});

describe('several problems, one pass', () => {
  it('every problem of a file is reported with the path of the entry it is about', () => {
    const file = new YamlFile('m.yml', 'models:\n  - name: a\n    kind: sq\n  - name: b\n    kind: llm\n    batch_size: 0\n    colour: red\n');
    const found = validateYamlAt(file, 'models');
    expect(found.map((p) => [p.path, p.diagnostic.code, p.diagnostic.location!.line])).toEqual([
      [['models', 0, 'kind'], 'LOOM012', 3],
      [['models', 1], 'LOOM010', 7],
      [['models', 1, 'batch_size'], 'LOOM012', 6],
    ]);
  });

  it('a valid document has no problems', () => {
    expect(problems('models', 'sources:\n  - name: s\n    tables: [{ name: t, path: d.csv }]\nmodels:\n  - { name: a, kind: sql, sql: select 1 }\n')).toEqual([]);
  });
});

describe('describePath', () => {
  it('reads like the YAML it points into', () => {
    expect(describePath([], 'loom_project.yml')).toBe('loom_project.yml');
    expect(describePath(['models', 2, 'llm', 'temperature'], 'f')).toBe('`models[2].llm.temperature`');
    expect(describePath(['targets', 'dev'], 'f')).toBe('`targets.dev`');
  });
});
