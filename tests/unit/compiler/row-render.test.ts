/**
 * The row renderer (src/template/row-render.ts) stands in for nunjucks when a compiled prompt is text plus
 * `{{ row... }}` lookups. On thousands of generated templates and rows it must print exactly what nunjucks
 * prints with Loom's environment, or decline (null) and leave the template or the row to nunjucks.
 */
import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createTemplateEnvironment, type TemplateResolvers } from '../../../src/template/environment.js';
import { rowRenderer } from '../../../src/template/row-render.js';

const resolvers: TemplateResolvers = {
  ref: (n) => `"main"."${n}"`,
  source: (s, t) => `"${s}"."${t}"`,
  var: (n, f) => (n === 'v' ? 'V' : f),
  env_var: (_n, f) => f,
  context: (n) => `CTX ${n}`,
};
const env = createTemplateEnvironment('/nonexistent', ['prompts'], resolvers);
const viaNunjucks = (template: string, row: Record<string, unknown>) => new nunjucks.Template(template, env, 'p.njk', true).render({ row });

let seed = 11;
const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)];

const TEXT = ['Review: ', '\n', ' and ', 'é', '\u00a0', '"quoted"', "it's", '\t', '\r\n', '', 'row', '}', '{', '-'];
const SPACE = ['', ' ', '  ', '\n', '\t'];
const LOOKUPS = [
  'row',
  'row.text',
  'row.id',
  'row.n',
  'row.flag',
  'row.none',
  'row.missing',
  'row.missing.deeper',
  'row.nested.a',
  'row.nested.b.c',
  'row.list',
  'row.list.length',
  'row.text.length',
  'row.empty',
  'row.zero',
  'row.constructor',
  'row.constructor.name',
  'row.toString',
  'row.__proto__',
  'row.hasOwnProperty',
  'other',
  'range',
  'ref',
];
const OTHER = ["{{ ref('x') }}", '{% if row.flag %}yes{% endif %}', '{{ row.text | upper }}', '{{- row.text }}', '{# c #}', "{{ var('v') }}"];

/** Rows as the warehouse hands them over: JSON.parse of each input row. */
const ROWS: Record<string, unknown>[] = [
  { id: 'r1', text: 'great blender', n: 3, flag: true, none: null, nested: { a: 'A', b: { c: 1.5 } }, list: [1, 'two', null], empty: '', zero: 0 },
  { id: 'r2', text: 'line\nbreak {{ not a tag }}', n: -0.25, flag: false, none: null, nested: null, list: [], empty: '', zero: 0 },
  { id: 7, text: '', n: 1e21, flag: null, nested: { a: { deep: true } }, list: [[1, 2], { k: 'v' }] },
  { text: 'no id', nested: 'a string', list: 'not a list', constructor: 'shadowed', toString: 'shadowed too' },
  {},
].map((row) => JSON.parse(JSON.stringify(row)) as Record<string, unknown>);

function template(): string {
  let t = '';
  const parts = 1 + random(6);
  for (let i = 0; i < parts; i++) {
    t += pick(TEXT);
    const roll = random(10);
    if (roll < 7) t += `{{${pick(SPACE)}${pick(LOOKUPS)}${pick(SPACE)}}}`;
    else if (roll === 7) t += pick(OTHER);
  }
  return t + pick(TEXT);
}

describe('rowRenderer', () => {
  it('prints what nunjucks prints, for 3,000 generated templates and every row, or declines', () => {
    let fast = 0;
    let declinedRows = 0;
    for (let i = 0; i < 3000; i++) {
      const t = template();
      const render = rowRenderer(t);
      if (!render) continue;
      fast++;
      for (const row of ROWS) {
        const printed = render(row);
        if (printed === null) declinedRows++;
        else expect(printed, `${JSON.stringify(t)} with ${JSON.stringify(row)}`).toBe(viaNunjucks(t, row));
      }
    }
    // Most generated templates are row lookups and text; a few rows meet a function (row.constructor, ...).
    expect(fast).toBeGreaterThan(1000);
    expect(declinedRows).toBeGreaterThan(0);
  });

  it('declines what only nunjucks handles: calls, tags, filters, whitespace control, names other than row', () => {
    for (const t of ["{{ ref('x') }}", '{% if row.flag %}y{% endif %}', '{{ row.text | upper }}', '{{- row.text }}', '{{ other }}', '{{ range }}', '{# c #}']) {
      expect(rowRenderer(`a ${t} b`), t).toBeNull();
    }
  });

  it('hands a row back when a lookup meets a function, and renders the next row itself', () => {
    const render = rowRenderer('{{ row.toString }}|{{ row.text }}')!;
    expect(render({ text: 'x' })).toBeNull();
    expect(render({ text: 'x', toString: 'own' })).toBe('own|x');
  });

  it('hands back a value nunjucks cannot print either, so the error is nunjucks\' own', () => {
    const row = JSON.parse('{"nested": {"toString": "not a function"}}') as Record<string, unknown>;
    expect(rowRenderer('{{ row.nested }}')!(row)).toBeNull();
    expect(() => viaNunjucks('{{ row.nested }}', row)).toThrow(/Cannot convert object to primitive value/);
  });

  it('renders the bench prompt as nunjucks does', () => {
    const t = 'Classify the sentiment of review {{ row.id }}.\n{{ row.text }}\nAnswer with JSON.\n';
    const row = { id: 'r1', text: 'review 1: the blender is fast and noisy' };
    expect(rowRenderer(t)!(row)).toBe(viaNunjucks(t, row));
  });
});
