import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyFilter } from '../../../src/llm/key-filter.js';

const key = (i: number) => createHash('sha256').update(`key ${i}`).digest('hex');

describe('KeyFilter', () => {
  it('never rules out a key it was given, hex or not, across every layer it grew', () => {
    const filter = new KeyFilter();
    // 70,000 keys fill the layers of 16,384, 32,768 and part of 65,536 keys.
    const keys = [...Array.from({ length: 70_000 }, (_, i) => key(i)), 'not-hex', ''];
    for (const k of keys) filter.add(k);
    expect(keys.every((k) => filter.mayContain(k))).toBe(true);
  });

  it('rules out almost every other key, even with 200,000 keys in it', () => {
    const filter = new KeyFilter();
    for (let i = 0; i < 200_000; i++) filter.add(key(i));
    let maybe = 0;
    for (let i = 200_000; i < 400_000; i++) if (filter.mayContain(key(i))) maybe++;
    // Four layers, five hashes, 64 bits a key: about 1 expected here. The first filter (one hash over 2^26 bits)
    // said "maybe" ~600 times, enough that nearly every chunk of a large build queried the cache table.
    expect(maybe).toBeLessThan(5);
  });

  it('takes memory in proportion to its keys: 128 KB for 10,000, not the 8 MB of a fixed-size filter', () => {
    const filter = new KeyFilter();
    expect(filter.byteSize).toBe(0);
    for (let i = 0; i < 10_000; i++) filter.add(key(i));
    expect(filter.byteSize).toBe(128 * 1024);
    for (let i = 10_000; i < 16_385; i++) filter.add(key(i));
    expect(filter.byteSize).toBe(128 * 1024 + 256 * 1024);
  });

  it('holds a million keys in about 8 MB', () => {
    const filter = new KeyFilter();
    const hex = createHash('sha256');
    for (let i = 0; i < 1_000_000; i++) filter.add(hex.copy().update(String(i)).digest('hex'));
    expect(filter.byteSize).toBe(64 * 1_032_192 / 8);
  });

  it('is empty when new', () => {
    expect(new KeyFilter().mayContain(key(1))).toBe(false);
  });
});
