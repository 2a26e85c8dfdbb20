import { describe, expect, it } from 'vitest';
import { YamlFile } from '../../../src/base/yaml-file.js';

const at = (f: YamlFile) => f.diagnostics.map((d) => `${d.location!.line}:${d.location!.col} ${d.code} ${d.message}`);

describe('YamlFile: the js-yaml fast path', () => {
  it('parses valid YAML with the core schema: dates and versions stay strings, ~ is null', () => {
    const f = new YamlFile('m.yml', 'd: 2024-01-01\nv: 1.0.0\ny: yes\nn: ~\ni: 12\nf: 1.5\nb: true\n');
    expect(f.diagnostics).toEqual([]);
    expect(f.value).toEqual({ d: '2024-01-01', v: '1.0.0', y: 'yes', n: null, i: 12, f: 1.5, b: true });
  });

  it('an empty file or a file of comments is null, with no diagnostic', () => {
    expect(new YamlFile('a.yml', '').value).toBeNull();
    expect(new YamlFile('a.yml', '# only a comment\n').value).toBeNull();
    expect(new YamlFile('a.yml', '').diagnostics).toEqual([]);
  });

  it('resolves anchors and aliases', () => {
    const f = new YamlFile('a.yml', 'base: &b { x: 1 }\nm: *b\n');
    expect(f.value).toEqual({ base: { x: 1 }, m: { x: 1 } });
  });
});

describe('YamlFile: errors come from the `yaml` fallback, each with line:col', () => {
  it('a duplicate key names the key and points at its second occurrence (whole key underlined)', () => {
    const f = new YamlFile('m.yml', 'models:\n  - name: a\n    kind: sql\n    kind: llm\n');
    expect(f.value).toBeNull();
    expect(at(f)).toEqual(['4:5 LOOM002 duplicate key `kind`: a mapping may set each key once']);
    expect(f.diagnostics[0].location).toEqual({ file: 'm.yml', line: 4, col: 5, endLine: 4, endCol: 9 });
  });

  it('every duplicate key of a file is reported, not only the first', () => {
    const f = new YamlFile('m.yml', 'a: 1\na: 2\nb: 1\nb: 3\n');
    expect(at(f)).toEqual(['2:1 LOOM002 duplicate key `a`: a mapping may set each key once', '4:1 LOOM002 duplicate key `b`: a mapping may set each key once']);
  });

  it('a quoted duplicate key is named by its value', () => {
    const f = new YamlFile('m.yml', 'x: 1\n"x": 2\n');
    expect(at(f)).toEqual(['2:1 LOOM002 duplicate key `x`: a mapping may set each key once']);
  });

  it.each([
    ['bad indentation', 'models:\n  - name: a\n    kind: sql\n   sql: x\n', ['4:1 LOOM001 YAML syntax error: Sequence item without - indicator']],
    ['a tab as indentation', 'models:\n\t- name: a\n', ['2:1 LOOM001 YAML syntax error: Tabs are not allowed as indentation']],
    ['an unclosed quote', 'sql: "select\n', ['2:1 LOOM001 YAML syntax error: Missing closing "quote']],
    ['mapping items at different columns', 'a:\n  b: 1\n c: 2\n', ['3:1 LOOM001 YAML syntax error: All mapping items must start at the same column']],
    ['two documents in one file', 'a: 1\n---\nb: 2\n', ['2:1 LOOM001 YAML syntax error: Source contains multiple documents; please use YAML.parseAllDocuments()']],
  ])('%s is a LOOM001 at its position', (_, text, expected) => {
    const f = new YamlFile('m.yml', text);
    expect(f.value).toBeNull();
    expect(at(f)).toEqual(expected);
  });

  it('one mistake that trips several checks on one line is reported once', () => {
    const f = new YamlFile('m.yml', 'models:\n  - name: a\n    kind: sql\n     sql: x\n');
    expect(f.diagnostics).toHaveLength(1);
    expect(f.diagnostics[0].code).toBe('LOOM001');
  });

  it('errors on different lines are all reported', () => {
    const f = new YamlFile('m.yml', 'a: 1\na: 2\nb:\n\t- x\n');
    expect(f.diagnostics.map((d) => `${d.location!.line} ${d.code}`)).toEqual(['2 LOOM002', '4 LOOM001']);
  });

  it('recoveredValue() still shows what a broken file declares, so its names do not cascade', () => {
    const f = new YamlFile('m.yml', 'models:\n  - name: a\n    kind: sql\n   sql: x\n  - name: b\n');
    expect(f.diagnostics).toHaveLength(1);
    expect(f.recoveredValue()).toMatchObject({ models: [{ name: 'a' }, {}, { name: 'b' }] });
    const ok = new YamlFile('m.yml', 'a: 1\n');
    expect(ok.recoveredValue()).toBe(ok.value);
  });
});

describe('YamlFile.locate', () => {
  const text = 'models:\n  - name: a\n    kind: sql\n  - name: b\n    llm: { model: x, temperature: 3 }\n';
  const f = new YamlFile('m.yml', text);
  const pos = (l: { line: number; col: number }) => `${l.line}:${l.col}`;

  it('finds values and keys by path', () => {
    expect(pos(f.locate(['models', 1, 'name']))).toBe('4:11');
    expect(pos(f.locate(['models', 1, 'name'], 'key'))).toBe('4:5');
    expect(pos(f.locate(['models', 1, 'llm', 'temperature']))).toBe('5:35');
    expect(pos(f.locate(['models', 1, 'llm', 'temperature'], 'key'))).toBe('5:22');
    expect(pos(f.locate(['models', 0]))).toBe('2:5');
  });

  it('carries the end of the span for underlining', () => {
    expect(f.locate(['models', 1, 'name'])).toEqual({ file: 'm.yml', line: 4, col: 11, endLine: 4, endCol: 12 });
  });

  it('falls back to the nearest existing ancestor for a path that does not exist', () => {
    expect(pos(f.locate(['models', 1, 'llm', 'nope']))).toBe('5:10');
    expect(pos(f.locate(['models', 7, 'name']))).toBe('2:3');
    expect(pos(f.locate(['nothing_here']))).toBe('1:1');
  });

  it('is lazy: a valid file builds no position tree until a position is asked for', () => {
    const g = new YamlFile('m.yml', 'a: 1\n');
    expect((g as unknown as { parsed?: unknown }).parsed).toBeUndefined();
    g.locate(['a']);
    expect((g as unknown as { parsed?: unknown }).parsed).toBeDefined();
  });

  it('scalarAt gives the raw source of a scalar and its YAML type', () => {
    const g = new YamlFile('m.yml', "a: |\n  x\nb: 'q''s'\nc: plain\n");
    expect(g.scalarAt(['a'])).toMatchObject({ type: 'BLOCK_LITERAL', source: '|\n  x\n' });
    expect(g.scalarAt(['b'])).toMatchObject({ type: 'QUOTE_SINGLE', source: "'q''s'" });
    expect(g.scalarAt(['c'])).toMatchObject({ type: 'PLAIN', source: 'plain' });
    expect(g.scalarAt(['missing'])).toBeUndefined();
  });
});

describe('YamlFile: corners where the two parsers differ', () => {
  it('merge keys (`<<: *defaults`) work, as in dbt projects', () => {
    const f = new YamlFile('m.yml', 'base: &b { kind: llm, llm: { model: x } }\nmodels:\n  - <<: *b\n    name: a\n  - <<: [*b, { tags: [t] }]\n    name: b\n');
    expect(f.diagnostics).toEqual([]);
    expect((f.value as { models: unknown[] }).models).toEqual([
      { kind: 'llm', llm: { model: 'x' }, name: 'a' },
      { kind: 'llm', llm: { model: 'x' }, tags: ['t'], name: 'b' },
    ]);
  });

  it('a custom tag js-yaml rejects is read by the spec-complete parser instead', () => {
    const f = new YamlFile('m.yml', 'k: !custom v\n');
    expect(f.diagnostics).toEqual([]);
    expect(f.value).toEqual({ k: 'v' });
  });

  it('an alias to no anchor is a LOOM001 at the alias, not a crash', () => {
    const f = new YamlFile('m.yml', 'models:\n  - &m { name: a }\n  - *mm\n');
    expect(f.value).toBeNull();
    expect(f.diagnostics).toEqual([
      { code: 'LOOM001', severity: 'error', message: 'YAML syntax error: `*mm` refers to no anchor (define `&mm` before it)', location: { file: 'm.yml', line: 3, col: 5, endLine: 3, endCol: 8 }, notes: undefined },
    ]);
  });
});
