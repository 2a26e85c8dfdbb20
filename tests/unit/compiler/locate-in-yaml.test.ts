import { describe, expect, it } from 'vitest';
import { YamlFile } from '../../../src/base/yaml-file.js';
import { analyzeTemplate } from '../../../src/template/analyze.js';
import { locateInYamlString } from '../../../src/template/locate.js';

const TEXT = `models:
  - name: block
    sql: |
      select *
        from {{ ref('x') }}
      join {{ ref('x') }} on 1
  - name: double_quoted
    sql: "select * from {{ ref('y') }} \\"q\\" {{ ref('y') }}"
  - name: plain_multiline
    sql: select * from {{ ref('z') }}
      where {{ var('w') }}
  - name: folded
    sql: >
      select * from
      {{ ref('f') }}
  - name: single_quoted
    sql: 'it''s {{ ref(''g'') }}'
  - name: double_quotes_inside
    sql: select '{{ context("glossary") }}' as g
  - name: block_error
    sql: |
      select 1
      {% if %}
  - name: indent_indicator
    sql: |2
        select 1
         {{ ref('x' }}
  - name: quoted_error
    sql: "select 1 {% if x %}"
`;
const file = new YamlFile('m.yml', TEXT);
const lines = TEXT.split('\n');
const sqlOf = (i: number) => (file.value as { models: { sql: string }[] }).models[i].sql;

/** `line:col` in the file and the text found there, for each call of model i. */
function callsAt(i: number): string[] {
  const sql = sqlOf(i);
  return analyzeTemplate(sql).calls.map((c) => {
    const loc = locateInYamlString(file, ['models', i, 'sql'], sql, c, c.text);
    return `${loc.line}:${loc.col} ${lines[loc.line - 1].slice(loc.col - 1, loc.col - 1 + c.text.length)}`;
  });
}

function errorAt(i: number): string {
  const sql = sqlOf(i);
  const e = analyzeTemplate(sql).syntaxError!;
  const loc = locateInYamlString(file, ['models', i, 'sql'], sql, e);
  return `${loc.line}:${loc.col} ${lines[loc.line - 1].slice(loc.col - 1)}`;
}

describe('locateInYamlString: from a position in a template back to the YAML file', () => {
  it('block literals map line for line, and repeated snippets to the right occurrence', () => {
    expect(callsAt(0)).toEqual(["5:17 ref('x')", "6:15 ref('x')"]);
  });

  it('double-quoted scalars (with escapes before the call)', () => {
    expect(callsAt(1)).toEqual(["8:28 ref('y')", "8:49 ref('y')"]);
  });

  it('plain scalars over several lines', () => {
    expect(callsAt(2)).toEqual(["10:27 ref('z')", "11:16 var('w')"]);
  });

  it('folded scalars', () => {
    expect(callsAt(3)).toEqual(["15:10 ref('f')"]);
  });

  it("single-quoted scalars, where the file doubles every '", () => {
    expect(callsAt(4)).toEqual(["17:20 ref(''g'"]);
  });

  it('a call written with other quotes than its canonical text', () => {
    expect(callsAt(5)).toEqual(['19:21 context("glossary")']);
  });

  it('syntax errors inside a block literal land on their line and column', () => {
    expect(errorAt(6)).toBe('23:13 %}');
  });

  it('a block literal with an indentation indicator', () => {
    expect(errorAt(7)).toBe("27:21 }}");
  });

  it('an error at the end of a quoted scalar', () => {
    expect(errorAt(8)).toBe('29:29 }"');
  });

  it('falls back to the value itself when the path is not a scalar', () => {
    expect(locateInYamlString(file, ['models', 0], 'x', { line: 1, col: 1 })).toMatchObject({ line: 2, col: 5 });
  });
});
