import { describe, expect, it } from 'vitest';
import { readAhead, startSmall } from '../../../src/exec/read-ahead.js';

async function* chunks(...sizes: number[]): AsyncGenerator<number[]> {
  let n = 0;
  for (const size of sizes) yield Array.from({ length: size }, () => n++);
}

async function collect<T>(source: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('startSmall', () => {
  it('cuts the first chunk into doubling pieces and passes the rest through whole', async () => {
    const out = await collect(startSmall(chunks(2048, 2048, 5), 64));
    expect(out.map((c) => c.length)).toEqual([64, 128, 256, 512, 1024, 64, 2048, 5]);
    expect(out.flat()).toEqual(Array.from({ length: 4101 }, (_, i) => i));
  });

  it('handles a first chunk smaller than the first piece, and no chunk at all', async () => {
    expect((await collect(startSmall(chunks(10), 64))).map((c) => c.length)).toEqual([10]);
    expect(await collect(startSmall(chunks(), 64))).toEqual([]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number[]> {
      try {
        yield [1, 2, 3, 4];
        yield [5];
      } finally {
        closed = true;
      }
    }
    for await (const piece of startSmall(source(), 1)) {
      expect(piece).toEqual([1]);
      break;
    }
    expect(closed).toBe(true);
  });
});

describe('readAhead', () => {
  it('prepares the next chunk while the current one is consumed, in order', async () => {
    const prepared: number[] = [];
    const out: number[][] = [];
    for await (const chunk of readAhead(chunks(2, 2, 2), async (c) => {
      prepared.push(c[0]!);
      return c.map((x) => x * 10);
    })) {
      // By the time a chunk is handed over, the one after it is already being prepared.
      expect(prepared.length).toBeGreaterThanOrEqual(Math.min(out.length + 2, 3));
      out.push(chunk);
    }
    expect(out).toEqual([[0, 10], [20, 30], [40, 50]]);
  });
});
