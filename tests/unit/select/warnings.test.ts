import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_MATCH_CODE } from '../../../src/graph/select/index.js';
import { cloneManifest } from './manifest-builder.js';
import { namesOf, reviewsProject } from './reviews-project.js';
import { run } from './select-helpers.js';

const noMatch = (raw: string): string => `The selection criterion '${raw}' does not match any enabled nodes`;

function messages(select: string[] | undefined, exclude?: string[]): string[] {
  return run(select, { exclude }).diagnostics.map((d) => d.message);
}

describe('LOOM301: a criterion that matches nothing', () => {
  it('is a warning with dbt wording and a did-you-mean over node names', () => {
    const { selected, diagnostics } = run(['reviews_clen']);
    expect(selected).toEqual([]);
    expect(diagnostics).toEqual([
      {
        code: NO_MATCH_CODE,
        severity: 'warning',
        message: `${noMatch('reviews_clen')} (did you mean \`reviews_clean\`?)`,
        location: undefined,
        notes: undefined,
      },
    ]);
    expect(NO_MATCH_CODE).toBe('LOOM301');
  });

  it('suggests the whole criterion, operators and method included', () => {
    expect(messages(['+reviews_clen+'])).toEqual([`${noMatch('+reviews_clen+')} (did you mean \`+reviews_clean+\`?)`]);
    expect(messages(['tag:nightlly'])).toEqual([`${noMatch('tag:nightlly')} (did you mean \`tag:nightly\`?)`]);
    expect(messages(['source:shp'])).toEqual([`${noMatch('source:shp')} (did you mean \`source:shop\`?)`]);
    expect(messages(['shop.reviewz'])).toEqual([`${noMatch('shop.reviewz')} (did you mean \`shop.reviews\`?)`]);
    expect(messages(['config.llm.model:gpt-4o-mni'])).toEqual([
      `${noMatch('config.llm.model:gpt-4o-mni')} (did you mean \`config.llm.model:gpt-4o-mini\`?)`,
    ]);
    expect(messages(['path:models/stagin'])).toEqual([`${noMatch('path:models/stagin')} (did you mean \`path:models/staging\`?)`]);
    expect(messages(['pipeline:suport'])).toEqual([`${noMatch('pipeline:suport')} (did you mean \`pipeline:support\`?)`]);
  });

  it('offers no suggestion when nothing is close, for globs, or for state', () => {
    expect(messages(['zzzzzz'])).toEqual([noMatch('zzzzzz')]);
    expect(messages(['stg_*'])).toEqual([noMatch('stg_*')]);
    const state = cloneManifest(reviewsProject());
    expect(run(['state:modified+'], { state }).diagnostics.map((d) => d.message)).toEqual([noMatch('state:modified+')]);
  });

  it('keeps the other terms selected and warns once per criterion', () => {
    const { selected, diagnostics } = run(['reviews_clean zzz', 'zzz']);
    expect(namesOf(selected)).toEqual(['reviews_clean']);
    expect(diagnostics.map((d) => d.message)).toEqual([noMatch('zzz')]);
  });

  it('warns for each criterion of an argument that matched nothing', () => {
    expect(messages(['aaa reviews bbb'])).toEqual([noMatch('aaa'), noMatch('bbb')]);
  });

  it('says when the criterion matched only disabled nodes', () => {
    const [diagnostic] = run(['tag:legacy']).diagnostics;
    expect(diagnostic!.message).toBe(noMatch('tag:legacy'));
    expect(diagnostic!.notes).toEqual(['it matches only disabled nodes (config enabled: false): model.proj.old_stuff']);
    expect(run(['old_stuff+']).diagnostics[0]!.notes?.[0]).toContain('model.proj.old_stuff');
  });

  it('warns for an intersection whose criteria match but never the same node', () => {
    expect(messages(['tag:staging,kind:llm'])).toEqual([
      `${noMatch('tag:staging,kind:llm')}: no node satisfies every comma-joined criterion at once`,
    ]);
  });

  it('warns only for the failing criterion inside an intersection', () => {
    expect(messages(['tag:nightly,tag:nope'])).toEqual([noMatch('tag:nope')]);
  });

  it('warns for --exclude criteria too', () => {
    const { selected, diagnostics } = run(['tag:staging'], { exclude: ['orders_clen'] });
    expect(namesOf(selected).sort()).toEqual(['orders_clean', 'reviews_clean']);
    expect(diagnostics.map((d) => d.message)).toEqual([`${noMatch('orders_clen')} (did you mean \`orders_clean\`?)`]);
  });

  it('gives no diagnostics when every criterion matches', () => {
    expect(run(['+review_summary', 'tag:nightly,kind:llm'], { exclude: ['source:shop'] }).diagnostics).toEqual([]);
    expect(run(undefined).diagnostics).toEqual([]);
  });
});

describe('output', () => {
  afterEach(() => vi.restoreAllMocks());

  it('returns diagnostics as data and prints nothing', () => {
    const spies = [
      vi.spyOn(console, 'log'),
      vi.spyOn(console, 'warn'),
      vi.spyOn(console, 'error'),
      vi.spyOn(process.stdout, 'write'),
      vi.spyOn(process.stderr, 'write'),
    ];
    run(['zzz tag:legacy tag:staging,kind:llm']);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
