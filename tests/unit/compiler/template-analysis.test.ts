import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../../../src/template/analyze.js';

const calls = (t: string) => analyzeTemplate(t).calls.map((c) => `${c.line}:${c.col} ${c.text}${c.literal ? '' : ' (computed)'}`);

describe('analyzeTemplate: calls to compile-time functions, found by the nunjucks parser', () => {
  it('lists every ref/source/var/env_var/context call with its 1-based position and offset', () => {
    const text = "select * from {{ ref('a') }}\n  join {{   source('s','t') }} x {{var(\"v\", 3)}}\n{{ env_var('HOME', 'x') }} {{ context('c') }}";
    const a = analyzeTemplate(text);
    expect(a.syntaxError).toBeNull();
    expect(a.calls.map((c) => [c.fn, c.line, c.col, c.text])).toEqual([
      ['ref', 1, 18, "ref('a')"],
      ['source', 2, 13, "source('s', 't')"],
      ['var', 2, 36, "var('v', 3)"],
      ['env_var', 3, 4, "env_var('HOME', 'x')"],
      ['context', 3, 31, "context('c')"],
    ]);
    for (const c of a.calls) expect(text.slice(c.offset, c.offset + c.fn.length)).toBe(c.fn);
  });

  it('finds calls inside tags, macros, filters and conditions, not only in {{ }}', () => {
    expect(
      calls("{% set t = ref('a') %}{% if var('on') %}{{ context('x') | upper }}{% endif %}\n{% macro m() %}{{ source('s', 't') }}{% endmacro %}"),
    ).toEqual(["1:12 ref('a')", "1:29 var('on')", "1:44 context('x')", "2:19 source('s', 't')"]);
  });

  it('marks calls whose arguments are not literals as computed', () => {
    expect(calls("{{ ref(name) }} {{ var('a' ~ 'b') }} {{ ref('ok') }}")).toEqual(['1:4 ref (computed)', '1:20 var (computed)', "1:41 ref('ok')"]);
    expect(analyzeTemplate('{{ ref(x) }}').calls[0].args).toEqual([undefined]);
  });

  it('ignores other functions, row fields, and calls inside comments or raw blocks', () => {
    expect(calls("{{ row.ref }} {{ upper('x') }} {# {{ ref('a') }} #} {% raw %}{{ ref('b') }}{% endraw %} {{ m.ref('c') }}")).toEqual([]);
  });

  it('lists the templates a template includes or imports, at the template name', () => {
    const a = analyzeTemplate('{% include "a.njk" %}\n  {% import "m.njk" as m %}\n{% from \'f.njk\' import x %}{% include name %}');
    expect(a.includes).toEqual([
      { name: 'a.njk', line: 1, col: 12 },
      { name: 'm.njk', line: 2, col: 13 },
      { name: 'f.njk', line: 3, col: 9 },
    ]);
  });

  it('plain text is not parsed at all', () => {
    const a = analyzeTemplate('select 1 -- no tags } here {');
    expect(a).toEqual({ calls: [], includes: [], tags: false, ast: null, segments: null, syntaxError: null, names: { free: [], rowFields: [], declared: [] } });
  });

  it('keeps the AST only when asked (sql renders from it; prompts drop it to keep memory small)', () => {
    expect(analyzeTemplate("{{ ref('a') | upper }}").ast).toBeNull();
    expect(analyzeTemplate("{{ ref('a') | upper }}").tags).toBe(true);
    expect(analyzeTemplate("{{ ref('a') | upper }}", { keepAst: true }).ast?.typename).toBe('Root');
  });

  it('reads text plus simple {{ }} expressions without nunjucks, and leaves everything else to its parser', () => {
    const simple = analyzeTemplate("select * from {{ ref('a') }} where x = '{{ row.x }}'", { keepAst: true });
    expect(simple.ast).toBeNull();
    expect(simple.segments?.map((s) => s.kind)).toEqual(['text', 'call', 'text', 'lookup', 'text']);
    for (const t of ["{{ ref('a') | upper }}", "{{- ref('a') }}", "{% if x %}{{ ref('a') }}{% endif %}", "{{ ref('a\\'b') }}", '{{ ref(1) }}']) {
      expect(analyzeTemplate(t).segments, t).toBeNull();
    }
  });
});

describe('analyzeTemplate: syntax errors at their line and column in the template', () => {
  it.each([
    ['an unclosed variable', "{{ ref('a') ", 'expected variable end', 1, 11],
    ['an empty if', 'a\n{% if %}', 'unexpected token: %}', 2, 7],
    ['a missing comma', "line1\n  {{ ref('a' }}", 'expected comma after expression', 2, 14],
    ['an unknown tag', 'x\n{% endfi %}', 'unknown block tag: endfi', 2, 4],
    ['a bad filter end', '\n\n- {{ tag | upper }\n', 'expected variable end', 3, 18],
  ])('%s', (_, text, message, line, col) => {
    const a = analyzeTemplate(text);
    expect(a.syntaxError).toEqual({ message, line, col });
    expect(a.calls).toEqual([]);
  });

  it('an error at the end of the file points at the end of its last line with text', () => {
    expect(analyzeTemplate('Label\n{% if row.id %}\n  id {{ row.id }}\n\n').syntaxError).toEqual({
      message: 'expected elif, else, or endif, got end of file',
      line: 3,
      col: 17,
    });
  });
});
