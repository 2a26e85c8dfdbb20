import { describe, expect, it } from 'vitest';
import { timeLeft } from '../../../src/cli/build-reporter.js';

describe('progress bar time left', () => {
  it('shows nothing before the first row is finished, then extrapolates from the rows done', () => {
    expect(timeLeft(800, 0, 100)).toBe('');
    expect(timeLeft(2000, 10, 100)).toBe(' | 18s left');
    expect(timeLeft(60_000, 10, 30)).toBe(' | 2m 0s left');
    expect(timeLeft(5000, 100, 100)).toBe('');
  });
});
