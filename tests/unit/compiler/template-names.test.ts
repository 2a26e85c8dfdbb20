import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../../../src/template/analyze.js';
import { TEMPLATE_GLOBALS } from '../../../src/template/names.js';

const free = (t: string, nunjucksOnly = false) => analyzeTemplate(t, { nunjucksOnly }).names.free.filter((u) => !u.guarded).map((u) => u.name);
const fields = (t: string) => analyzeTemplate(t).names.rowFields.filter((u) => !u.guarded).map((u) => u.name);

describe('names a template reads (from the nunjucks AST, or the scanner for simple templates)', () => {
  it('a bare name is free, `row` is not; row fields are listed with their position', () => {
    for (const nunjucksOnly of [false, true]) expect(free('Subject: {{ subject }} {{ row.body }}', nunjucksOnly)).toEqual(['subject']);
    const uses = analyzeTemplate('a\n  {{ row.subject }}').names.rowFields;
    expect(uses).toEqual([{ name: 'subject', line: 2, col: 6, guarded: false }]);
    expect(fields("{% if x %}{{ row['body'] }}{% endif %}")).toEqual(['body']);
  });

  it('loop variables, loop, set, macros and their arguments, imports and caller are bound', () => {
    const t = [
      '{% import "macros.njk" as m %}{% from "other.njk" import a as b, c %}',
      '{% set greeting = "hi" %}{% set block %}{{ greeting }}{% endset %}',
      '{% for item in row.items %}{{ loop.index }} {{ item.name }}{% else %}none{% endfor %}',
      '{% for k, v in row.pairs %}{{ k }}={{ v }}{% endfor %}',
      '{% macro q(text, prefix="> ") %}{{ prefix }}{{ text }}{{ caller() }}{% endmacro %}',
      '{% call q(row.body) %}x{% endcall %}{{ m.quote(row.body) }}{{ b() }}{{ c }}{{ block }}',
      "{{ ref('x') }}{{ var('y') }}{{ range(3) }}{{ {key: 1} }}{{ q(text=row.body) }}",
    ].join('\n');
    expect(free(t).filter((n) => !TEMPLATE_GLOBALS.includes(n))).toEqual([]);
    expect(free(t)).toEqual(['ref', 'var', 'range']); // globals are free names; the linker knows they exist
    expect(fields(t)).toEqual(['items', 'pairs', 'body', 'body', 'body']);
  });

  it('a loop variable is not bound outside its loop, a macro argument not outside its macro', () => {
    expect(free('{% for x in row.items %}{{ x }}{% endfor %}{{ x }}')).toEqual(['x']);
    expect(free('{% macro f(a) %}{{ a }}{% endmacro %}{{ a }}')).toEqual(['a']);
  });

  it('`row` as a macro argument is not the input row', () => {
    expect(fields('{% macro block(row) %}{{ row.review_id }}{% endmacro %}{{ block(row) }}')).toEqual([]);
  });

  it('default() and `is defined` mark a read as intended', () => {
    expect(free("{{ subject | default('') }}{% if topic is defined %}{{ topic }}{% endif %}")).toEqual([]);
    expect(fields("{{ row.x | default('') }}{% if row.y is defined and row.z is defined %}{{ row.y }}{{ row.z }}{% endif %}")).toEqual([]);
    expect(fields('{% if row.y is defined %}{% endif %}{{ row.y }}')).toEqual(['y']);
  });

  it('filter and test names are not variables', () => {
    expect(free('{{ row.a | upper | truncate(3) }}{% if row.a is string %}{% endif %}')).toEqual([]);
  });

  it('names bound in a template are listed for the templates it includes', () => {
    expect(analyzeTemplate('{% set tone = "warm" %}{% include "p.njk" %}').names.declared).toEqual(['tone']);
  });
});
