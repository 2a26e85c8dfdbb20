import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyFilter } from '../../../src/llm/key-filter.js';

const key = (i: number) => createHash('sha256').update(`key ${i}`).digest('hex');

describe('KeyFilter', () => {
  it('never rules out a key it was given, hex or not', () => {
    const filter = new KeyFilter();
    const keys = [...Array.from({ length: 5000 }, (_, i) => key(i)), 'not-hex', ''];
    for (const k of keys) filter.add(k);
    expect(keys.every((k) => filter.mayContain(k))).toBe(true);
  });

  it('rules out almost every other key, even with 200,000 keys in it', () => {
    const filter = new KeyFilter();
    for (let i = 0; i < 200_000; i++) filter.add(key(i));
    let maybe = 0;
    for (let i = 200_000; i < 400_000; i++) if (filter.mayContain(key(i))) maybe++;
    // Four hashes over 2^26 bits: about 2e-8 expected here. One hash (the old filter) said "maybe" ~600 times,
    // enough that nearly every chunk of a large build queried the cache table.
    expect(maybe).toBeLessThan(5);
  });

  it('is empty when new', () => {
    expect(new KeyFilter().mayContain(key(1))).toBe(false);
  });
});
