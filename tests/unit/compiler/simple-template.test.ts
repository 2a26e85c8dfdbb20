/**
 * The template scanner (src/template/simple.ts) stands in for nunjucks' parser on simple templates. On thousands
 * of generated templates, simple and not, everything built from its result must equal what nunjucks gives:
 * the calls found and their positions, the rendered sql, and the compiled prompt.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate, type TemplateAnalysis } from '../../../src/template/analyze.js';
import { createTemplateEnvironment, TemplateLookupError, type TemplateResolvers } from '../../../src/template/environment.js';
import { compilePromptTemplate, renderCompileTime } from '../../../src/template/render.js';
import { scanSimpleTemplate } from '../../../src/template/simple.js';

const resolvers: TemplateResolvers = {
  ref: (n) => {
    if (n === 'missing') throw new TemplateLookupError("ref('missing'): no model is named `missing`");
    return `"main"."${n}"`;
  },
  source: (s, t) => `"${s}"."${t}"`,
  var: (n, f) => (n === 'v' ? 'V' : n === 'empty' ? '' : f),
  env_var: (n, f) => (n === 'HOME' ? '/home' : f),
  context: (n) => (n === 'raw' ? 'use {% raw %} here' : n === 'braces' ? 'a {{ b }} c' : `CTX ${n}`),
};
const env = createTemplateEnvironment('/nonexistent', ['prompts'], resolvers);

let seed = 7;
const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)];

const TEXT = ['select * from ', '\n', ' where a = 1 ', '}}', '{', '}', '#', '%', 'row', "'", '"', '\t', '\r\n', 'é', '\u00a0', 'x', '-', ''];
const SPACE = ['', ' ', '  ', '\n', '\t', '\r\n', '\u00a0'];
const NAMES = ['ref', 'source', 'var', 'env_var', 'context', 'row', 'row.text', 'row.a.b', 'row..x', 'row.', '_x1', '1x', 'upper', 'true', 'none', 'range', 'r/x/'];
const ARGS = ["'a'", '"b"', "'a b'", "''", "'x}}y'", "'a\\'b'", '1', "'un", "'missing'", "'raw'", "'braces'", "'v'", "'empty'", "'HOME'", "'line\nbreak'"];
const OPEN = ['{{', '{{', '{{', '{{-', '{{{'];
const CLOSE = ['}}', '}}', '}}', '-}}', '}', '', ' | upper }}'];
const OTHER = ["{% raw %}{{ ref('r') }}{% endraw %}", '{# note #}', "{% if true %}{{ ref('i') }}{% endif %}", '#}', '{%'];

/** The well-formed pieces, so that many templates are simple; the rest are mixed in at a lower rate. */
const CLEAN_TEXT = TEXT.filter((t) => !/[{}#%]/.test(t));
const CLEAN_NAMES = ['ref', 'source', 'var', 'env_var', 'context', 'row.text', 'row.a.b', '_x1', 'x'];
const CLEAN_ARGS = ["'a'", '"b"', "'a b'", "''", "'x}}y'", "'missing'", "'raw'", "'braces'", "'v'", "'empty'", "'HOME'"];

function expression(clean: boolean): string {
  const name = pick(clean ? CLEAN_NAMES : NAMES);
  let inner = name;
  if (!name.includes('.') && (clean ? name !== 'x' && name !== '_x1' : random(3) > 0)) {
    const args = Array.from({ length: clean ? 1 + random(2) : random(4) }, () => pick(clean ? CLEAN_ARGS : ARGS));
    inner = `${name}(${pick(SPACE)}${args.join(clean ? pick([',', ' , ', ',\n']) : pick([',', ' , ', ',', ',,']))}${pick(SPACE)})`;
  }
  return `${clean ? '{{' : pick(OPEN)}${pick(SPACE)}${inner}${pick(SPACE)}${clean ? '}}' : pick(CLOSE)}`;
}

function template(): string {
  const clean = random(10) < 6;
  let t = '';
  const parts = 1 + random(6);
  for (let i = 0; i < parts; i++) {
    const r = random(10);
    const tidy = clean || random(4) > 0;
    t += r < 5 ? pick(tidy ? CLEAN_TEXT : TEXT) + pick(tidy ? CLEAN_TEXT : TEXT) : r < 9 || clean ? expression(tidy) : pick(OTHER);
  }
  return t;
}

/** Near-misses written by hand: each is one character away from a simple template, or just inside one. */
const TRICKY = [
  "x #} {{ ref('a') }}",
  "{{ ref('a') }} #}",
  "{{ ref('a') }}\u00a0",
  "{{\u00a0ref('a') }}",
  "{{ ref('a')}}}",
  "{{ref('a')}}",
  "{{ ref('a', ) }}",
  "{{ ref(,'a') }}",
  "{{ ref('a' 'b') }}",
  '{{ row.text.}}',
  '{{ row .text }}',
  '{{ row.none }}',
  '{{ row.true }}',
  '{{ row.a.null }}',
  '{{ row.None }}',
  '{{ row.if }}',
  "{{ ref ('a') }}",
  "{{ ref('}}') }}",
  '{{ ref("it\'s") }}',
  "{{ context('raw') }}",
  "{{ var('empty') }}x",
  "a\r\n{{ ref('a') }}",
  '{{ range }}',
  '{{ ref }}',
  "{{ ref('a') -}}",
  "{{ ref('a') }}{",
  "{{ ref('a') }}{{",
];
const TEMPLATES = [...TRICKY, ...Array.from({ length: 4000 }, template)];
const callsOf = (a: TemplateAnalysis) => a.calls;

function rendered(text: string, analysis: TemplateAnalysis) {
  const result = renderCompileTime(text, analysis, resolvers, () => env, 'm.yml');
  // A lookup error from the AST path and from the scanner's path carries the same message.
  return 'error' in result ? { error: result.error.message } : result;
}

function compiled(text: string, analysis: TemplateAnalysis): string {
  try {
    return compilePromptTemplate(text, resolvers, analysis);
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

describe('the template scanner agrees with nunjucks on generated templates', () => {
  const scanned = TEMPLATES.filter((t) => scanSimpleTemplate(t) !== null && /\{[{%#]/.test(t));

  it('takes the fast path for a good share of them and leaves the rest to nunjucks', () => {
    expect(scanned.length).toBeGreaterThan(TEMPLATES.length * 0.15);
    expect(scanned.length).toBeLessThan(TEMPLATES.length * 0.85);
  });

  it('only scans templates nunjucks parses without error, and finds the same calls at the same places', () => {
    for (const t of TEMPLATES) {
      const fast = analyzeTemplate(t);
      const slow = analyzeTemplate(t, { nunjucksOnly: true });
      if (fast.segments) expect(slow.syntaxError, JSON.stringify(t)).toBeNull();
      expect({ calls: callsOf(fast), includes: fast.includes, tags: fast.tags, error: fast.syntaxError }, JSON.stringify(t)).toEqual({
        calls: callsOf(slow),
        includes: slow.includes,
        tags: slow.tags,
        error: slow.syntaxError,
      });
    }
  });

  it('renders sql exactly as nunjucks does', () => {
    for (const t of scanned) {
      const fast = rendered(t, analyzeTemplate(t, { keepAst: true }));
      const slow = rendered(t, analyzeTemplate(t, { keepAst: true, nunjucksOnly: true }));
      expect(fast, JSON.stringify(t)).toEqual(slow);
      if (!('error' in fast)) expect(fast.output, JSON.stringify(t)).toBe(new nunjucks.Template(t, env, 'm.yml', true).render({}));
    }
  });

  it('compiles prompts exactly as the lexer-driven path does, and the result renders as the original', () => {
    const row = { text: 'ROW TEXT', a: { b: 'AB' } };
    for (const t of scanned) {
      const fast = compiled(t, analyzeTemplate(t));
      expect(fast, JSON.stringify(t)).toBe(compiled(t, analyzeTemplate(t, { nunjucksOnly: true })));
      if (fast.startsWith('threw: ')) continue;
      const original = new nunjucks.Template(t, env, 'p.njk', true).render({ row });
      expect(new nunjucks.Template(fast, env, 'p.njk', true).render({ row }), JSON.stringify(t)).toBe(original);
    }
  });
});

describe('scanSimpleTemplate', () => {
  it('splits text, literal calls (with positions) and lookups', () => {
    const t = "a\n  {{ ref('x') }} b {{row.text}}\n{{\n  source('s', \"t\")\n}}";
    const segments = scanSimpleTemplate(t)!;
    expect(segments.map((s) => (s.kind === 'text' ? s.text : `${t.slice(s.start, s.end)}${s.kind === 'call' ? ` ${s.line}:${s.col} ${s.fn}@${s.offset}` : ''}`))).toEqual([
      'a\n  ',
      "{{ ref('x') }} 2:6 ref@7",
      ' b ',
      '{{row.text}}',
      '\n',
      '{{\n  source(\'s\', "t")\n}} 4:3 source@39',
    ]);
    expect(segments[5]).toMatchObject({ args: ['s', 't'] });
    expect(t.slice(39, 45)).toBe('source');
  });

  it.each([
    ['a tag', "{% if x %}{{ ref('a') }}{% endif %}"],
    ['a comment', "{# c #}{{ ref('a') }}"],
    ['a stray comment end', "x #} {{ ref('a') }}"],
    ['whitespace control', "{{- ref('a') }}"],
    ['a filter', "{{ ref('a') | upper }}"],
    ['an escape in a string', "{{ ref('a\\'b') }}"],
    ['a number argument', "{{ var('x', 1) }}"],
    ['another function', "{{ upper('a') }}"],
    ['a keyword', '{{ true }}'],
    ['an unclosed expression', "{{ ref('a') "],
  ])('gives up on %s', (_, t) => {
    expect(scanSimpleTemplate(t)).toBeNull();
  });
});
