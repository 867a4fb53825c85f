/**
 * Remembers the records of a file by a 64-bit hash of their UTF-8 bytes as written,
 * to flag exact duplicates while streaming, in 5 bytes a record and no
 * objects, so a ten-million-line upload holds about 84 MB for it.
 *
 * A table of 2^k slots keeps, per record, 32 bits of the hash and how far the
 * record sits from its home slot (chosen by another k bits of the hash), so
 * two records match only when they share k + 32 bits: 56 at ten million
 * records, where two different records share them with probability about
 * n² / 2^57 (once in 1,400 files of ten million lines; once in 10^9 files of
 * UCI's half million). Linear probing, at most 75% full.
 *
 * A full table is never rehashed (the home bits are not kept): a new table of
 * twice the size takes the next records, and lookups visit every table. The
 * first table is sized from the expected number of records, so most files use
 * one.
 */
const MAX_LOAD = 0.75;
/** A record further than this from its home slot starts a new table (the distance is kept in a byte). */
const MAX_DISTANCE = 255;

class Table {
  readonly fingerprints: Uint32Array;
  /** Distance from the home slot, plus one; 0 = empty. */
  readonly distances: Uint8Array;
  readonly mask: number;
  readonly bits: number;
  count = 0;

  constructor(bits: number) {
    this.bits = bits;
    this.fingerprints = new Uint32Array(1 << bits);
    this.distances = new Uint8Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** True when the record is in this table. */
  has(home: number, fingerprint: number): boolean {
    const { fingerprints, distances, mask } = this;
    for (let d = 0, slot = home & mask; d <= MAX_DISTANCE; d++, slot = (slot + 1) & mask) {
      const stored = distances[slot]!;
      if (stored === 0) return false;
      if (stored === d + 1 && fingerprints[slot] === fingerprint) return true;
    }
    return false;
  }

  /** Adds the record; false when the table is too full for it. */
  add(home: number, fingerprint: number): boolean {
    if ((this.count + 1) > MAX_LOAD * (this.mask + 1)) return false;
    const { fingerprints, distances, mask } = this;
    for (let d = 0, slot = home & mask; d <= MAX_DISTANCE; d++, slot = (slot + 1) & mask) {
      if (distances[slot] === 0) {
        distances[slot] = d + 1;
        fingerprints[slot] = fingerprint;
        this.count++;
        return true;
      }
    }
    return false;
  }
}

export class RecordHashSet {
  private readonly tables: Table[];
  private records = 0;

  /** `expected`: about how many records the file holds (sizes the first table). */
  constructor(expected = 1 << 15) {
    const bits = Math.max(16, Math.min(28, Math.ceil(Math.log2(Math.max(1, expected) / MAX_LOAD))));
    this.tables = [new Table(bits)];
  }

  get size(): number {
    return this.records;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.tables.reduce((sum, t) => sum + t.fingerprints.byteLength + t.distances.byteLength, 0);
  }

  /** Adds the record bytes[start, end); true when an identical record was added before. */
  seenBytes(bytes: Uint8Array, start: number, end: number): boolean {
    let a = 0x811c9dc5;
    let b = 0x9e3779b9;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x85ebca6b);
      b ^= b >>> 15;
    }
    return this.seenHash(a, b);
  }

  /**
   * Adds the record text[start, end); true when an identical record was added
   * before. Hashes the text's UTF-8 bytes, encoded on the fly, so a record
   * gets the same hash whether it came as bytes or as text.
   */
  seenText(text: string, start: number, end: number): boolean {
    let a = 0x811c9dc5;
    let b = 0x9e3779b9;
    for (let i = start; i < end; i++) {
      let c = text.charCodeAt(i);
      // c as its UTF-8 bytes, mixed in one by one: up to 4, in `code` from the first byte up.
      let code = c;
      let count = 1;
      if (c >= 0x80) {
        if (c < 0x800) {
          code = (0xc0 | (c >> 6)) | ((0x80 | (c & 63)) << 8);
          count = 2;
        } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < end) {
          c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
          code = (0xf0 | (c >> 18)) | ((0x80 | ((c >> 12) & 63)) << 8) | ((0x80 | ((c >> 6) & 63)) << 16) | ((0x80 | (c & 63)) << 24);
          count = 4;
        } else {
          code = (0xe0 | (c >> 12)) | ((0x80 | ((c >> 6) & 63)) << 8) | ((0x80 | (c & 63)) << 16);
          count = 3;
        }
      }
      for (let k = 0; k < count; k++, code >>>= 8) {
        const byte = code & 0xff;
        a = Math.imul(a ^ byte, 0x01000193);
        b = Math.imul(b ^ byte, 0x85ebca6b);
        b ^= b >>> 15;
      }
    }
    return this.seenHash(a, b);
  }

  /**
   * Adds a record by the two hash lanes seenBytes computes over its bytes (for
   * callers that hash while reading them); true when it was added before. Both
   * seen* methods end here: a final avalanche, then lookup and insert.
   */
  seenHash(a: number, b: number): boolean {
    // Final avalanche of both lanes, so their low bits (the home slot) depend on every byte.
    a ^= a >>> 16;
    a = Math.imul(a, 0x7feb352d);
    a ^= a >>> 15;
    b ^= b >>> 16;
    b = Math.imul(b, 0x846ca68b);
    b ^= b >>> 16;
    const fingerprint = b >>> 0;
    for (const table of this.tables) if (table.has(a, fingerprint)) return true;
    let last = this.tables[this.tables.length - 1]!;
    if (!last.add(a, fingerprint)) {
      last = new Table(Math.min(30, last.bits + 1));
      this.tables.push(last);
      last.add(a, fingerprint);
    }
    this.records++;
    return false;
  }
}
