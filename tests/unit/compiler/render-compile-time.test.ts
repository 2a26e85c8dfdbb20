import nunjucks from 'nunjucks';
import { describe, expect, it, vi } from 'vitest';
import { analyzeTemplate } from '../../../src/template/analyze.js';
import { createTemplateEnvironment, TemplateLookupError, type TemplateResolvers } from '../../../src/template/environment.js';
import { renderCompileTime } from '../../../src/template/render.js';

const VARS: Record<string, unknown> = { v: 'V', spaced: '  s  ', obj: { a: 1 }, list: [1, 2], yes: true, no: false, zero: 0, nothing: null };
const resolvers: TemplateResolvers = {
  ref: (n) => {
    if (n === 'missing') throw new TemplateLookupError("ref('missing'): no model is named `missing`");
    return `"main"."${n}"`;
  },
  source: (s, t) => `"${s}"."${t}"`,
  var: (n, f) => (n in VARS ? VARS[n] : f),
  env_var: (n, f) => f,
  context: () => 'CTX {{ not a tag }}',
};
const env = createTemplateEnvironment('/nonexistent', ['prompts'], resolvers);

function both(text: string) {
  const makeEnv = vi.fn(() => env);
  const fast = renderCompileTime(text, analyzeTemplate(text, { keepAst: true }), resolvers, makeEnv, 'm.yml');
  const slow = new nunjucks.Template(text, env, 'm.yml', true).render({});
  return { fast, slow, usedNunjucks: makeEnv.mock.calls.length > 0 };
}

describe('renderCompileTime', () => {
  it.each([
    ['plain sql', 'select 1'],
    ['refs and vars', "select * from {{ ref('a') }} where x = {{ var('v') }}"],
    ['whitespace control', "a {{- ref('a') -}} b\n  {{ var('spaced') }}"],
    ['values of every type', "{{ var('obj') }}|{{ var('list') }}|{{ var('yes') }}|{{ var('no') }}|{{ var('zero') }}|[{{ var('nothing') }}]"],
    ['literal defaults', "{{ var('q', 2) }}|{{ var('q', 1.5) }}|{{ var('q', true) }}|{{ var('q', 'd') }}"],
    ['a comment', "{# c #}x{{ ref('a') }}"],
    ['a raw block', "{% raw %}{{ ref('a') }}{% endraw %}{{ ref('b') }}"],
    ['context with braces', "{{ context('c') }}"],
  ])('the fast path gives what nunjucks gives, without nunjucks: %s', (_, text) => {
    const { fast, slow, usedNunjucks } = both(text);
    expect(fast).toEqual({ output: slow });
    expect(usedNunjucks).toBe(false);
  });

  it.each([
    ['a conditional', "x\n{%- if var('yes') %} y{% endif %}"],
    ['a non-literal default', "{{ var('q', none) }}|{{ var('q', -1) }}"],
    ['a literal expression', "{{ 'lit' }}{{ ref('a') }}"],
    ['a filter', "{{ ref('a') | upper }}"],
    ['a loop', '{% for i in [1, 2] %}{{ i }}{% endfor %}'],
  ])('anything else goes through nunjucks with the same result: %s', (_, text) => {
    const { fast, slow, usedNunjucks } = both(text);
    expect(fast).toEqual({ output: slow });
    expect(usedNunjucks).toBe(true);
  });

  it('a lookup error becomes a render error with its message (fast path and nunjucks path)', () => {
    const fast = renderCompileTime("{{ ref('missing') }}", analyzeTemplate("{{ ref('missing') }}", { keepAst: true }), resolvers, () => env, 'm');
    expect(fast).toEqual({ error: { message: "ref('missing'): no model is named `missing`", line: null, col: null } });
    const text = "x\n{% if true %}{{ ref('missing') }}{% endif %}";
    const slow = renderCompileTime(text, analyzeTemplate(text, { keepAst: true }), resolvers, () => env, 'm');
    expect('error' in slow && slow.error.message).toContain("ref('missing'): no model is named `missing`");
  });
});
