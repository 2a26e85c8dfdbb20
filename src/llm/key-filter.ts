/**
 * A one-hash Bloom filter over cache keys (hex sha256): 2^26 bits (8 MB). "No" is certain, "maybe" may be wrong
 * (about 1.5% of the time with a million keys), so a key it rules out needs no store query — which spares a
 * cold run (nothing cached yet) one cache query per chunk of rows.
 */
const BITS = 26;

export class KeyFilter {
  private readonly bits = new Uint8Array(1 << (BITS - 3));

  add(key: string): void {
    const i = KeyFilter.index(key);
    this.bits[i >>> 3] |= 1 << (i & 7);
  }

  mayContain(key: string): boolean {
    const i = KeyFilter.index(key);
    return (this.bits[i >>> 3] & (1 << (i & 7))) !== 0;
  }

  /** Keys are sha256 hex: their first 7 hex digits (28 bits) are already uniformly spread. */
  private static index(key: string): number {
    const n = Number.parseInt(key.slice(0, 7), 16);
    return Number.isNaN(n) ? 0 : n & ((1 << BITS) - 1);
  }
}
