/**
 * compilePromptTemplate resolves at compile time every `{{ ref/var/context... }}` that needs no row. Whatever it
 * does, rendering the compiled template with a row must give EXACTLY what rendering the original gives.
 */
import nunjucks from 'nunjucks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplateEnvironment, type TemplateResolvers } from '../../../src/template/environment.js';
import { compilePromptTemplate } from '../../../src/template/render.js';
import { projectFrom, removeTempProjects } from '../../support/fixture-projects.js';

const CONTEXTS: Record<string, string> = {
  plain: 'Plain context.\n',
  braces: 'JSON looks like {"a": {"b": 1}} and templates like {{ x }} or {% if y %} or {# z #}.',
  raw_tags: 'Write {% raw %} and {% endraw %} around template code.',
  raw_tags_tight: 'x {%endraw%} y',
  raw_open: 'Start a raw block with {% raw %} (and end it later).',
  endraw_with_dash: 'x {%- endraw %} y',
  trailing_space: 'padded   \n\n',
  empty: '',
};
const VARS: Record<string, unknown> = { v: 'V', spaced: '  spaced  ', obj: { a: 1 }, list: [1, 2], yes: true, no: false, zero: 0, nothing: null };

const resolvers: TemplateResolvers = {
  ref: (name) => `"main"."${name}"`,
  source: (s, t) => `"${s}"."${t}"`,
  var: (name, fallback) => (name in VARS ? VARS[name] : fallback),
  env_var: (name, fallback) => (name === 'SET' ? 'from-env' : fallback),
  context: (name) => CONTEXTS[name],
};

let env: nunjucks.Environment;
beforeAll(() => {
  const dir = projectFrom({
    'prompts/macros.njk': "{% macro box(x) -%}[{{ x }}|{{ var('v') }}]{%- endmacro %}\n",
    'prompts/inc.njk': "INC {{ var('v') }} {{ row.a }}\n",
  });
  env = createTemplateEnvironment(dir, ['prompts'], resolvers);
});
afterAll(removeTempProjects);

const row = { a: 'A', b: '  B  ', list: [1, 2], channel: 'phone' };
const render = (template: string) => new nunjucks.Template(template, env, 'p.njk', true).render({ row });

const TEMPLATES: [string, string][] = [
  ['text and a var', "Hello {{ var('v') }} {{ row.a }}"],
  ['whitespace control on both sides', "A  {{- var('v') -}}  B {{ row.a }}"],
  ['whitespace control across lines', "A\n  {{- var('spaced') }}\n{{ row.b -}}  \n {{ var('v') -}}\n\nend"],
  ['adjacent controlled calls', "{{ var('v') }}{{- var('spaced') -}}{{ var('v') }}"],
  ['a controlled row after a value', "{{ var('spaced') }}\n{{- row.a }}"],
  ['a controlled value after a row', "{{ row.a }}\n{{- var('spaced') }}"],
  ['value before a trimming tag', "{{ var('v') }}   {%- if true %}x{% endif %}"],
  ['value inside trimming tags', "{%- if true -%}  {{ var('v') }}  {%- endif %}"],
  ['a comment after a trimming call', "x {{ var('v') -}}\n{# c #}\n y"],
  ['raw after a trimming call', "{{ var('v') -}}\n{% raw %}  r{% endraw %}"],
  ['macros from an import', "{% import 'macros.njk' as m %}{{ m.box(row.a) }} {{ context('plain') }}!"],
  ['an include', "{% include 'inc.njk' %}{{ var('v') }}"],
  ['filters (left for build time)', "{{ var('v') | upper }} {{ context('plain') | trim }} {{ row.a | lower }}"],
  ['values of every type', "{{ var('obj') }}|{{ var('list') }}|{{ var('yes') }}|{{ var('no') }}|{{ var('zero') }}|[{{ var('nothing') }}]"],
  ['defaults of every literal type', "{{ var('u', 3) }} {{ var('u', 1.5) }} {{ var('u', true) }} {{ var('u', 'd') }} {{ var('u', none) }} {{ var('u', -1) }}"],
  ['double-quoted names', '{{ var("v") }} {{ context("plain") }}'],
  ['ref and source', "from {{ ref('m') }} join {{ source('s', 't') }} on {{ row.a }}"],
  ['env_var with and without a value', "{{ env_var('SET', 'd') }} {{ env_var('UNSET', 'd') }}"],
  ['calls in tags stay', "{% if var('yes') %}yes{% endif %} {% set c = context('plain') %}{{ c }} {{ var('v') }}"],
  ['a loop over the row', "{% for x in row.list %}{{ x }}{{ var('v') }}{% endfor %}"],
  ['a string holding tag syntax', "{% set s = \"{{ var('v') }}\" %}{{ s }}{{ var('v') }}"],
  ['a comment holding a call', "{# {{ var('v') }} #}{{ var('v') }}"],
  ['context with braces', "ctx: {{ context('braces') }} {{ row.a }}"],
  ['context holding raw tags', "{{ context('raw_tags') }}|{{ row.a }}|{{ var('v') }}"],
  ['context holding only an opening raw tag', "{{ context('raw_open') }}|{{ row.a }}|{{ var('v') }}"],
  ['context holding a tight endraw', "{{ context('raw_tags_tight') }}|{{ row.a }}"],
  ['context holding a dashed endraw', "{{ context('endraw_with_dash') }}|{{ row.a }}"],
  ['context with trailing whitespace', "[{{ context('trailing_space') }}]{{- row.a }}"],
  ['an empty context', "[{{ context('empty') }}]{{ row.a }}"],
  ['a raw block holding a call', "{% raw %}{{ var('v') }}{% endraw %} {{ var('v') }}"],
  ['a verbatim block holding a call', "{% verbatim %}{{ var('v') }}{% endverbatim %} {{ var('v') }}"],
  ['nested raw blocks', "{% raw %}a {% raw %}{{ var('v') }}{% endraw %} b{% endraw %} {{ var('v') }} {{ row.a }}"],
  ['a dashed raw block', "x {%- raw -%} {{ var('v') }} {% endraw %} {{ var('v') }}"],
  ['a row-only template', '{{ row.a }} and {{ row.b }}'],
  ['no tags at all', 'Just text with } and { braces.'],
  ['a phone-call conditional', "{%- if row.channel == 'phone' %}\n(call){%- endif %}\n\n{{ context('plain') }}"],
];

describe('compilePromptTemplate', () => {
  it.each(TEMPLATES)('renders exactly like the original: %s', (_, template) => {
    const compiled = compilePromptTemplate(template, resolvers);
    expect(render(compiled)).toBe(render(template));
  });

  it('really resolves what it can: no literal var/context/ref call is left in {{ }} outside raw blocks', () => {
    const compiled = compilePromptTemplate("{{ var('v') }} {{- context('braces') }} {{ ref('m') }} {{ row.a }}", resolvers);
    expect(compiled).toBe('{% raw %}V{% endraw %}{% raw %}' + CONTEXTS.braces + '{% endraw %} {% raw %}"main"."m"{% endraw %} {{ row.a }}');
  });

  it('leaves calls inside raw blocks exactly as written', () => {
    const template = "{% raw %}{{ var('v') }}{% endraw %} {{ var('v') }}";
    expect(compilePromptTemplate(template, resolvers)).toBe("{% raw %}{{ var('v') }}{% endraw %} {% raw %}V{% endraw %}");
  });

  it('leaves a call for build time when its value holds a raw tag', () => {
    expect(compilePromptTemplate("{{ context('raw_tags') }}", resolvers)).toBe("{{ context('raw_tags') }}");
    expect(compilePromptTemplate("{{ context('raw_tags_tight') }}", resolvers)).toBe("{{ context('raw_tags_tight') }}");
  });

  it('an empty value leaves nothing behind', () => {
    expect(compilePromptTemplate("[{{ context('empty') }}]", resolvers)).toBe('[]');
  });

  it('returns a template without compile-time calls unchanged', () => {
    const t = '{% for x in row.list %}{{ x }}{% endfor %}';
    expect(compilePromptTemplate(t, resolvers)).toBe(t);
  });
});
