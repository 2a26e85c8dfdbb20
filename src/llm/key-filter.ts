/**
 * A Bloom filter over cache keys (hex sha256): 2^26 bits (8 MB), four hashes. "No" is certain, "maybe" may be
 * wrong — about 1 key in 100,000 with a million keys — so a key it rules out needs no store query. That spares
 * a cold run (nothing cached yet) its cache queries: each one scans the cache table's keys, and with one hash a
 * growing cache answered "maybe" for some key of nearly every 2,048-row chunk, which slowed large builds as they
 * went.
 */
const BITS = 26;
const HASHES = 4;
/** Hex digits per hash: 7 digits are 28 bits, already uniformly spread in a sha256. */
const DIGITS = 7;

export class KeyFilter {
  private readonly bits = new Uint8Array(1 << (BITS - 3));

  add(key: string): void {
    for (let h = 0; h < HASHES; h++) {
      const i = KeyFilter.index(key, h);
      this.bits[i >>> 3] |= 1 << (i & 7);
    }
  }

  mayContain(key: string): boolean {
    for (let h = 0; h < HASHES; h++) {
      const i = KeyFilter.index(key, h);
      if ((this.bits[i >>> 3] & (1 << (i & 7))) === 0) return false;
    }
    return true;
  }

  /** The h-th hash: the h-th run of 7 hex digits of the key (a key that is not hex maps to bit 0 for every hash). */
  private static index(key: string, h: number): number {
    const n = Number.parseInt(key.slice(h * DIGITS, (h + 1) * DIGITS), 16);
    return Number.isNaN(n) ? 0 : n & ((1 << BITS) - 1);
  }
}
