import { describe, expect, it } from 'vitest';
import type { Manifest, NodeChecksums } from '../../../src/contracts/manifest.js';
import { UsageError } from '../../../src/diagnostics/diagnostic.js';
import { cloneManifest } from './manifest-builder.js';
import { ID, reviewsProject } from './reviews-project.js';
import { pick, run } from './select-helpers.js';

const CHECKSUM_FIELDS: (keyof NodeChecksums)[] = ['body', 'config', 'prompt', 'contexts', 'output', 'evaluate', 'docs'];
const SUBSELECTORS = [...CHECKSUM_FIELDS.map((field) => `state:modified.${field}`), 'state:modified.fingerprint'];

/** The previous manifest: the current one with one checksum of review_sentiment different. */
function previousWithChanged(field: keyof NodeChecksums): Manifest {
  const previous = cloneManifest(reviewsProject());
  previous.nodes[ID.review_sentiment]!.checksums[field] = 'something else';
  return previous;
}

describe('state: subselectors', () => {
  for (const field of CHECKSUM_FIELDS) {
    it(`state:modified.${field} catches exactly a ${field} change`, () => {
      const state = previousWithChanged(field);
      for (const selector of SUBSELECTORS) {
        const expected = selector === `state:modified.${field}` ? ['review_sentiment'] : [];
        expect(pick(selector, { state }), selector).toEqual(expected);
      }
    });

    const counts = field !== 'docs';
    it(`state:modified ${counts ? 'includes' : 'ignores'} a ${field}-only change`, () => {
      const state = previousWithChanged(field);
      expect(pick('state:modified', { state })).toEqual(counts ? ['review_sentiment'] : []);
      expect(pick('state:unmodified', { state })).toHaveLength(counts ? 10 : 11);
      expect(pick('state:unmodified', { state }).includes('review_sentiment')).toBe(!counts);
    });
  }

  it('state:modified+ adds what is downstream of the change', () => {
    const state = previousWithChanged('prompt');
    expect(pick('state:modified+', { state })).toEqual(['export_sentiment', 'review_sentiment', 'review_summary']);
    expect(pick('+state:modified', { state })).toEqual(['review_sentiment', 'reviews', 'reviews_clean']);
  });

  it('state:modified.fingerprint catches an upstream change that left the node itself untouched', () => {
    const previous = cloneManifest(reviewsProject());
    for (const id of [ID.reviews_clean, ID.review_sentiment, ID.review_summary, ID.export_sentiment]) {
      previous.nodes[id]!.fingerprint.data = 'old upstream';
    }
    previous.nodes[ID.reviews_clean]!.checksums.body = 'old body';
    expect(pick('state:modified.fingerprint', { state: previous })).toEqual([
      'export_sentiment',
      'review_sentiment',
      'review_summary',
      'reviews_clean',
    ]);
    expect(pick('state:modified', { state: previous })).toEqual(['reviews_clean']);
    expect(pick('state:modified.body', { state: previous })).toEqual(['reviews_clean']);
  });

  it('a metadata fingerprint change alone is not modified', () => {
    const previous = cloneManifest(reviewsProject());
    previous.nodes[ID.review_sentiment]!.fingerprint.metadata = 'old docs';
    expect(pick('state:modified', { state: previous })).toEqual([]);
    expect(pick('state:modified.fingerprint', { state: previous })).toEqual([]);
  });
});

describe('state:new and state:old', () => {
  const withoutSummary = (): Manifest => {
    const previous = cloneManifest(reviewsProject());
    delete previous.nodes[ID.review_summary];
    return previous;
  };

  it('separates nodes absent from the previous manifest from the rest', () => {
    const state = withoutSummary();
    expect(pick('state:new', { state })).toEqual(['review_summary']);
    expect(pick('state:old', { state })).toHaveLength(10);
    expect(pick('state:old', { state })).not.toContain('review_summary');
  });

  it('counts a new node as modified in every sense, as dbt does', () => {
    const state = withoutSummary();
    expect(pick('state:modified', { state })).toEqual(['review_summary']);
    for (const selector of SUBSELECTORS) expect(pick(selector, { state }), selector).toEqual(['review_summary']);
    expect(pick('state:unmodified', { state })).not.toContain('review_summary');
  });

  it('ignores nodes that exist only in the previous manifest', () => {
    const previous = cloneManifest(reviewsProject());
    previous.nodes['model.proj.removed'] = { ...previous.nodes[ID.reviews_clean]!, unique_id: 'model.proj.removed' };
    expect(run(['state:old'], { state: previous }).selected).not.toContain('model.proj.removed');
    expect(pick('state:old', { state: previous })).toHaveLength(11);
  });

  it('treats a checksum missing from an older previous manifest as changed', () => {
    const previous = cloneManifest(reviewsProject());
    const old = previous.nodes[ID.orders_clean]! as unknown as Record<string, unknown>;
    delete old.checksums;
    delete old.fingerprint;
    expect(pick('state:modified', { state: previous })).toEqual(['orders_clean']);
    expect(pick('state:modified.fingerprint', { state: previous })).toEqual(['orders_clean']);
  });

  it('selects nothing as modified against an identical manifest', () => {
    const state = cloneManifest(reviewsProject());
    expect(pick('state:modified+', { state })).toEqual([]);
    expect(pick('state:unmodified', { state })).toHaveLength(11);
    expect(pick('state:new', { state })).toEqual([]);
  });

  it('combines with other methods', () => {
    const previous = cloneManifest(reviewsProject());
    previous.nodes[ID.review_sentiment]!.checksums.prompt = 'x';
    previous.nodes[ID.orders_clean]!.checksums.body = 'x';
    expect(pick('state:modified,kind:llm', { state: previous })).toEqual(['review_sentiment']);
    expect(pick('state:modified+', { state: previous, exclude: ['kind:load'] })).toEqual([
      'orders_clean',
      'review_sentiment',
      'review_summary',
    ]);
  });
});

describe('state: without a previous manifest', () => {
  it('is a usage error that asks for --state <dir>', () => {
    for (const state of [undefined, null]) {
      expect(() => run(['state:modified+'], { state })).toThrow(UsageError);
      expect(() => run(['state:modified+'], { state })).toThrow(/The selector 'state:modified\+' .*`--state <dir>` is required/);
    }
  });

  it('also applies inside intersections and --exclude', () => {
    expect(() => run(['tag:nightly,state:new'])).toThrow(/'state:new'.*--state <dir>/);
    expect(() => run(undefined, { exclude: ['state:unmodified'] })).toThrow(/--state <dir>/);
  });

  it('is not needed by other methods', () => {
    expect(() => run(['tag:nightly'], { state: null })).not.toThrow();
  });
});
