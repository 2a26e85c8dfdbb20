import { describe, expect, it } from 'vitest';
import { closest, didYouMean, listOf } from '../../../src/diagnostics/suggest.js';

describe('closest / didYouMean', () => {
  it.each([
    ['model_paths', ['model-paths', 'prompt-paths'], 'model-paths'],
    ['tabel', ['table', 'view'], 'table'],
    ['lable', ['label', 'label.njk', 'prompts/label.njk'], 'label'],
    ['recieve', ['receive', 'recede'], 'receive'],
    ['items_clen', ['items_clean', 'items'], 'items_clean'],
    ['DEV', ['dev', 'prod'], 'dev'],
    ['x', ['y'], 'y'],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it.each([
    ['labels', ['items_clean', 'orders']],
    ['abcdef', ['uvwxyz']],
    ['prod', []],
    ['ab', ['xy']],
  ])('nothing plausible for %s', (word, candidates) => {
    expect(closest(word, candidates)).toBeUndefined();
    expect(didYouMean(word, candidates)).toBe('');
  });

  it('never allows more than 4 edits, even for long words', () => {
    expect(closest('customer_sentiment_v2', ['customer_sentiment_version_two'])).toBeUndefined();
    expect(closest('customer_sentiment_v2', ['customer_sentiment_v3'])).toBe('customer_sentiment_v3');
  });

  it('formats the hint', () => {
    expect(didYouMean('tabel', ['table'])).toBe(' (did you mean `table`?)');
  });
});

describe('listOf', () => {
  it('joins with commas and a conjunction', () => {
    expect(listOf([])).toBe('');
    expect(listOf(['a'])).toBe('`a`');
    expect(listOf(['a', 'b'])).toBe('`a` or `b`');
    expect(listOf(['a', 'b', 'c'], 'and')).toBe('`a`, `b` and `c`');
    expect(listOf([1, true])).toBe('`1` or `true`');
  });
});
