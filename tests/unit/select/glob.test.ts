import { describe, expect, it } from 'vitest';
import { globMatcher, hasGlob } from '../../../src/graph/select/glob.js';
import { meantFor } from '../../../src/graph/select/suggestion.js';

describe('globMatcher (fnmatch)', () => {
  it('compares plainly without wildcards, even with regex characters', () => {
    expect(globMatcher('a.b')('a.b')).toBe(true);
    expect(globMatcher('a.b')('axb')).toBe(false);
    expect(globMatcher('a(b)$')('a(b)$')).toBe(true);
  });

  it('supports * ? and character classes, matching the whole string', () => {
    expect(globMatcher('stg_*')('stg_orders')).toBe(true);
    expect(globMatcher('stg_*')('x_stg_orders')).toBe(false);
    expect(globMatcher('*.reviews')('shop.reviews')).toBe(true);
    expect(globMatcher('model_?')('model_1')).toBe(true);
    expect(globMatcher('model_?')('model_12')).toBe(false);
    expect(globMatcher('model_[12]')('model_2')).toBe(true);
    expect(globMatcher('model_[12]')('model_3')).toBe(false);
    expect(globMatcher('model_[!12]')('model_3')).toBe(true);
    expect(globMatcher('model_[!12]')('model_1')).toBe(false);
    expect(globMatcher('v[a-c]')('vb')).toBe(true);
  });

  it('treats an unclosed [ as a literal', () => {
    expect(globMatcher('a[b*')('a[bcd')).toBe(true);
    expect(globMatcher('a[b*')('abcd')).toBe(false);
  });

  it('keeps * and ? inside one folder for paths, and lets ** cross folders', () => {
    const star = globMatcher('models/*.yml', { path: true });
    expect(star('models/a.yml')).toBe(true);
    expect(star('models/sub/a.yml')).toBe(false);
    const deep = globMatcher('models/**/*.yml', { path: true });
    expect(deep('models/a.yml')).toBe(true);
    expect(deep('models/sub/deeper/a.yml')).toBe(true);
    expect(deep('prompts/a.yml')).toBe(false);
    expect(globMatcher('models/**', { path: true })('models/x/y.yml')).toBe(true);
  });

  it('detects wildcards', () => {
    expect(hasGlob('a*')).toBe(true);
    expect(hasGlob('a?')).toBe(true);
    expect(hasGlob('a[b]')).toBe(true);
    expect(hasGlob('a.b/c')).toBe(false);
  });
});

describe('meantFor', () => {
  it('accepts one edit or one adjacent swap, and nothing further', () => {
    expect(meantFor('nightlly', ['nightly', 'weekly'])).toBe('nightly');
    expect(meantFor('kidn', ['kind', 'tag'])).toBe('kind');
    expect(meantFor('modle', ['model'])).toBe('model');
    expect(meantFor('xyz', ['kind', 'tag'])).toBeUndefined();
    expect(meantFor('knid', ['kind'])).toBe('kind');
    expect(meantFor('dnik', ['kind'])).toBeUndefined();
    expect(meantFor('ikdn', ['kind'])).toBeUndefined();
  });
});
