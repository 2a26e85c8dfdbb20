/**
 * A Bloom filter over cache keys (hex sha256). "No" is certain, "maybe" may be wrong, so a key it rules out needs
 * no store query. That spares a cold run (nothing cached yet) its cache queries: each one scans the cache table's
 * keys, and a filter that said "maybe" for some key of nearly every 2,048-row chunk slowed large builds as they went.
 *
 * It grows with its keys (a scalable Bloom filter): layers of 16,384, 32,768, ... keys at 64 bits a key, each new
 * key going to the newest layer. Bits are spread at random, so a fixed-size filter is resident in full after a
 * few thousand keys: the 8 MB filter this replaces cost a 10,000-row build 8 MB of its peak memory; this one costs
 * it 128 KB, and 8.3 MB at a million keys. Five hashes at 64 bits a key: a full layer says "maybe" for about
 * 1 key in 400,000 it does not hold, so a million keys in 6 layers, about 1 in 70,000.
 */
const HASHES = 5;
/** Hex digits per hash: 7 digits are 28 bits, already uniformly spread in a sha256 (5 x 7 of its 64 digits). */
const DIGITS = 7;
/** 64 bits a key. */
const LOG2_BITS_PER_KEY = 6;
/** log2 of the first layer's capacity in keys. */
const FIRST_LAYER = 14;
/** Bits of the largest layer the 28-bit hashes can address: 2^28 bits (32 MB, 4 million keys); later layers repeat it. */
const MAX_LAYER_BITS = 28;

class Layer {
  readonly bits: Uint8Array;
  readonly mask: number;
  count = 0;

  constructor(
    log2Bits: number,
    readonly capacity: number,
  ) {
    this.bits = new Uint8Array(2 ** (log2Bits - 3));
    this.mask = 2 ** log2Bits - 1;
  }
}

export class KeyFilter {
  private readonly layers: Layer[] = [];
  /** A key's hashes, computed once per lookup for every layer (lookups are synchronous, so one array serves all). */
  private static readonly scratch = new Int32Array(HASHES);

  add(key: string): void {
    let layer = this.layers[this.layers.length - 1];
    if (!layer || layer.count >= layer.capacity) {
      const log2Keys = FIRST_LAYER + this.layers.length;
      const log2Bits = Math.min(log2Keys + LOG2_BITS_PER_KEY, MAX_LAYER_BITS);
      layer = new Layer(log2Bits, 2 ** (log2Bits - LOG2_BITS_PER_KEY));
      this.layers.push(layer);
    }
    for (let h = 0; h < HASHES; h++) {
      const i = KeyFilter.hash(key, h) & layer.mask;
      layer.bits[i >>> 3] |= 1 << (i & 7);
    }
    layer.count++;
  }

  mayContain(key: string): boolean {
    if (this.layers.length === 0) return false;
    const hashes = KeyFilter.scratch;
    for (let h = 0; h < HASHES; h++) hashes[h] = KeyFilter.hash(key, h);
    for (const layer of this.layers) if (KeyFilter.inLayer(layer, hashes)) return true;
    return false;
  }

  /** Bytes the filter's bit arrays hold. */
  get byteSize(): number {
    let total = 0;
    for (const layer of this.layers) total += layer.bits.length;
    return total;
  }

  private static inLayer(layer: Layer, hashes: Int32Array): boolean {
    for (let h = 0; h < HASHES; h++) {
      const i = hashes[h] & layer.mask;
      if ((layer.bits[i >>> 3] & (1 << (i & 7))) === 0) return false;
    }
    return true;
  }

  /** The h-th hash: the h-th run of 7 hex digits of the key (a key that is not hex maps to bit 0 for every hash). */
  private static hash(key: string, h: number): number {
    const n = Number.parseInt(key.slice(h * DIGITS, (h + 1) * DIGITS), 16);
    return Number.isNaN(n) ? 0 : n;
  }
}
