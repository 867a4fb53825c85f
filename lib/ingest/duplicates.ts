/**
 * Remembers the rows of a file by a 64-bit hash (two independent 32-bit
 * FNV-1a hashes over the fields), to flag exact duplicates while streaming.
 * An open-addressing table over two Uint32Arrays: 8 bytes a row, no objects,
 * so memory stays small and flat. Two different rows share a hash with
 * probability about n² / 2^65: once in 10^8 files of a million rows.
 */
export class RowHashSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the row; true when an identical row was added before. */
  seen(fields: readonly string[]): boolean {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let f = 0; f < fields.length; f++) {
      const text = fields[f]!;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
      }
      // A separator no field can hold, so ["ab", "c"] and ["a", "bc"] differ.
      a = Math.imul(a ^ 0x1f, 0x01000193);
      b = Math.imul(b ^ 0x10001, 0x01000193) ^ (b >>> 13);
    }
    return this.insert(a >>> 0 || 1, b >>> 0);
  }

  private insert(hi: number, lo: number): boolean {
    let slot = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    while (this.hi[slot] !== 0) {
      if (this.hi[slot] === hi && this.lo[slot] === lo) return true;
      slot = (slot + 1) & this.mask;
    }
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    if (++this.count * 2 > this.mask) this.grow();
    return false;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0) this.insert(hi[i]!, lo[i]!);
  }
}
