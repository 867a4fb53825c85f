/* eslint-disable max-lines -- one hot loop over the bytes of a file (10 million lines): split functions cost measured throughput. */
import { isAscii } from "node:buffer";
import { countFlags, isNonProductCode } from "./cleaning";
import { CsvParser, type CsvFormat } from "./csv";
import { fieldLimits, PendingRecord, type FieldLimits } from "./pending-record";
import type { LineColumn, LineConverter } from "./rows";
import type { DateOrder } from "./values";

/**
 * A transactions file from decoded bytes to COPY text in one pass, for files
 * whose every column is read (rows/rows.ts writes COPY rows in the file's own
 * column order then). Each record of an ASCII chunk is read byte by byte: its
 * fields found, checked (a whole number, a decimal, a date, text that needs
 * no trimming), its cleaning bits set, its bytes hashed for duplicates, and
 * its values copied to the output as they stand, tab-separated. A record this
 * path cannot take as it stands (quotes, spaces to trim, a date or number in
 * another shape, a value that is wrong) goes through the general path (the
 * parser, then LineConverter.convertRow), which reads it exactly as it reads
 * every record of other files, errors included.
 *
 * Why: on a 10-million-line upload the general path spent 36 s of CPU in
 * JavaScript (splitting 80 million fields into strings and building a string
 * per row), more than PostgreSQL's COPY of the result (25 s) on the other
 * core; the byte path takes about a tenth of that.
 *
 * Dates are copied as written when they are ISO (`2010-12-01 08:26:00`) or
 * `12/1/2010 8:26` in the file's order: the load sets PostgreSQL's DateStyle
 * to that order (setDateStyle), so the server reads them as the general path
 * would write them.
 */
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const COLON = 58;
const ZERO = 48;
const NINE = 57;
const BACKSLASH = 92;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Records longer than this (bytes) go the general path (see fast()). */
const LONG_RECORD = 64 * 1024;

/** Each column's kind as a small number, for the per-value switch. */
const [INVOICE, STOCK, TEXT, QUANTITY, DATE, PRICE, CUSTOMER] = [1, 2, 3, 4, 5, 6, 7];
const KIND: Record<LineColumn, number> = {
  invoice_no: INVOICE,
  stock_code: STOCK,
  description: TEXT,
  quantity: QUANTITY,
  invoice_date: DATE,
  unit_price: PRICE,
  customer_id: CUSTOMER,
  country: TEXT,
  // Never a byte-path column (rows.ts sends files with a line total through the general path).
  line_total: PRICE,
};

/** The DateStyle that makes PostgreSQL read `a/b/yyyy` dates in the file's order. */
export function dateStyle(order: DateOrder): string {
  return order === "dmy" ? "ISO, DMY" : "ISO, MDY";
}

/** True when the byte path can take the file: every column read, one-byte delimiter, \n or \r\n line ends, no decimal commas. */
export function bytePathFits(converter: LineConverter, format: CsvFormat, decimalComma: boolean): boolean {
  return converter.fileColumns !== null && !decimalComma && format.delimiter.length === 1 && format.newline !== "\r";
}

/** A growable byte buffer for the COPY text of a chunk. */
class Output {
  buf: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buf.write(value, this.length, "utf8");
  }
}

/**
 * The byte path one chunk at a time (synchronous: the upload's worker thread
 * drives it, parse-thread.ts): decoded bytes in, COPY text out.
 */
export class LineCopier {
  private readonly parser: CsvParser;
  /** The unfinished record of the last chunks, held until a chunk ends it (pending-record.ts). */
  private readonly pending: PendingRecord;
  /** Records longer than this go the general path: LONG_RECORD, or the value limit when it is lower (the general path checks it). */
  private readonly longRecord: number;
  private line = 1;
  private headerSeen = false;
  /** Rows converted so far (the header excluded). */
  rows = 0;
  /** The kind of each file column (KIND). */
  private readonly kinds: Uint8Array;
  private readonly delimiter: number;
  private readonly crlf: boolean;
  private readonly prefix: Buffer;
  /** Slashed dates are read in the file's order: day first when dmy. */
  private readonly slashedDates: boolean;
  private readonly dmy: boolean;

  constructor(
    private readonly format: CsvFormat,
    fileName: string,
    private readonly converter: LineConverter,
    prefix: string,
    dateOrder: DateOrder,
    limits: FieldLimits = fieldLimits(),
  ) {
    this.parser = new CsvParser(format, fileName, limits);
    this.pending = new PendingRecord(format, fileName, limits);
    this.longRecord = Math.min(LONG_RECORD, limits.maxField);
    this.kinds = Uint8Array.from((converter.fileColumns ?? []).map((c) => KIND[c]));
    this.delimiter = format.delimiter.charCodeAt(0);
    this.crlf = format.newline === "\r\n";
    this.prefix = Buffer.from(prefix, "latin1");
    this.slashedDates = dateOrder !== "ymd";
    this.dmy = dateOrder === "dmy";
  }

  /** COPY text for the whole records this chunk ends, if any. */
  write(chunk: Buffer | string): Buffer | undefined {
    if (!this.pending.add(chunk)) return undefined;
    const input = this.pending.take();
    return typeof input === "string" ? this.general(input, false, "text") : this.chunk(input, false);
  }

  /** COPY text for the records left at the end of the file. */
  end(): Buffer | undefined {
    const input = this.pending.take();
    return typeof input === "string" ? this.general(input, true, "text") : this.chunk(input, true);
  }

  /** A chunk of bytes: the byte path when it is ASCII and holds no character COPY must escape; else the general path. */
  private chunk(input: Buffer, final: boolean): Buffer | undefined {
    const ascii = isAscii(input);
    const tabs = this.delimiter !== TAB && input.indexOf(TAB) !== -1;
    if (!ascii || tabs || input.indexOf(BACKSLASH) !== -1 || (!this.crlf && input.indexOf(CR) !== -1)) {
      return this.general(input.toString(ascii ? "latin1" : "utf8"), final, ascii ? input : "utf8");
    }
    const out = new Output(input.length + (input.length >> 2) + 4096);
    let text: string | null = null; // the chunk as text, made when a record needs the general path
    const end = input.length;
    let pos = 0;
    while (pos < end) {
      let nl = input.indexOf(LF, pos);
      if (nl === -1) {
        if (!final) break;
        nl = end;
      }
      const recordEnd = this.crlf && nl > pos && input[nl - 1] === CR ? nl - 1 : nl;
      if (recordEnd === pos) {
        // A blank line.
        this.line++;
        pos = nl + 1;
        continue;
      }
      if (!this.headerSeen) {
        this.headerSeen = true;
        const quoted = input.indexOf(QUOTE, pos);
        if (quoted !== -1 && quoted < recordEnd) {
          text ??= input.toString("latin1");
          this.parser.line = this.line;
          const header = this.parser.record(text, pos, final);
          if (header === "incomplete") {
            this.headerSeen = false;
            break;
          }
          this.line += 1 + header.breaks;
          pos = header.end + (header.end < end ? this.format.newline.length : 0);
        } else {
          this.line++;
          pos = nl + 1;
        }
        continue;
      }
      const mark = out.length;
      // In a \r\n file a lone \n is part of a value (the general path reads it so).
      const lone = this.crlf && nl < end && recordEnd === nl;
      if (!lone && this.fast(input, pos, recordEnd, out)) {
        this.line++;
        this.rows++;
        pos = nl + 1;
        continue;
      }
      out.length = mark;
      // The general path for this record (it may span lines when a quoted value holds line breaks).
      text ??= input.toString("latin1");
      this.parser.line = this.line;
      const record = this.parser.record(text, pos, final);
      if (record === "incomplete") break;
      const duplicate = this.converter.records.seenBytes(input, pos, record.end);
      out.text(this.converter.convertRow(record.fields, this.line, duplicate));
      this.line += 1 + record.breaks;
      this.rows++;
      pos = record.end + (record.end < end ? this.format.newline.length : 0);
    }
    if (!final) this.pending.hold(input.subarray(pos), this.line);
    return out.length ? out.buf.subarray(0, out.length) : undefined;
  }

  /**
   * Text the byte path cannot take (not ASCII, backslashes, a Windows-1252
   * file), parsed and converted row by row. `source`: the text's bytes when
   * ASCII, "utf8" when it came as other UTF-8 bytes, "text" when it came as text.
   */
  private general(text: string, final: boolean, source: Buffer | "utf8" | "text"): Buffer | undefined {
    this.parser.line = this.line;
    const bytes = typeof source === "string" ? null : source;
    const { batch, consumed } = this.parser.parse(text, final, bytes);
    this.line = this.parser.line;
    let from = 0;
    if (!this.headerSeen && batch.rows.length) {
      this.headerSeen = true;
      from = 1;
    }
    this.rows += batch.rows.length - from;
    const converted = this.converter.convert(batch, from);
    // The unfinished record waits as it came: bytes stay bytes, so the next chunks may take the byte path again.
    if (!final) this.pending.hold(source === "text" ? text.slice(consumed) : bytes ? bytes.subarray(consumed) : Buffer.from(text.slice(consumed), "utf8"), this.line);
    return converted ? Buffer.from(converted, "utf8") : undefined;
  }

  /**
   * One record in[start, end) as it stands: its COPY row written to `out`, or
   * false (and `out` to be rolled back) when the general path must read it.
   * One loop over its bytes hashes them, copies each value (tabs between,
   * quoted values unquoted) and finds where each value starts and ends.
   */
  private fast(input: Buffer, start: number, end: number, out: Output): boolean {
    // A record longer than any export's usual row (a huge value) goes the general path: its native string
    // search takes a 30 MB value about three times faster than this loop, and it names a value over the limits.
    if (end - start > this.longRecord) return false;
    const kinds = this.kinds;
    const width = kinds.length;
    const delimiter = this.delimiter;
    // The record's values, then its customer_key (at most a value and a space) and the computed columns.
    out.reserve(2 * (end - start) + 96);
    const buf = out.buf;
    let o = out.length;
    const prefix = this.prefix;
    for (let k = 0; k < prefix.length; k++) buf[o++] = prefix[k]!;
    // Hash lanes exactly as RecordHashSet.seenBytes computes them.
    let a = 0x811c9dc5;
    let b = 0x9e3779b9;
    let flags = 0;
    let field = 0;
    let i = start;
    // Where the invoice and customer values were copied to, for the customer_key (rows.ts, customerKey).
    let invoiceStart = 0;
    let invoiceEnd = 0;
    let customerStart = 0;
    let customerEnd = 0;
    while (field < width) {
      // The value's bytes as copied to the output: [valueStart, o).
      const valueStart = o;
      let quoted = false;
      let c = i < end ? input[i]! : -1;
      if (c === QUOTE) {
        // A quoted value: up to the quote that is not doubled; a line break inside means the record goes on (general path).
        quoted = true;
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x85ebca6b);
        b ^= b >>> 15;
        i++;
        for (;;) {
          if (i >= end) return false;
          c = input[i]!;
          a = Math.imul(a ^ c, 0x01000193);
          b = Math.imul(b ^ c, 0x85ebca6b);
          b ^= b >>> 15;
          i++;
          if (c === QUOTE) {
            if (i < end && input[i] === QUOTE) {
              a = Math.imul(a ^ QUOTE, 0x01000193);
              b = Math.imul(b ^ QUOTE, 0x85ebca6b);
              b ^= b >>> 15;
              i++;
              buf[o++] = QUOTE;
              continue;
            }
            break;
          }
          buf[o++] = c;
        }
        c = i < end ? input[i]! : -1;
        if (c !== -1 && c !== delimiter) return false; // text after the closing quote (spaces, or an error)
      } else {
        for (; i < end; i++) {
          c = input[i]!;
          if (c === delimiter) break;
          if (c === QUOTE) return false; // a quote inside a value: the general path reads it as the parser does
          a = Math.imul(a ^ c, 0x01000193);
          b = Math.imul(b ^ c, 0x85ebca6b);
          b ^= b >>> 15;
          buf[o++] = c;
        }
        if (i === end) c = -1;
      }
      // The value is buf[valueStart, o); i is at its delimiter or the record's end.
      const kind = kinds[field]!;
      const empty = o === valueStart;
      if (!empty && (buf[valueStart]! <= SPACE || buf[o - 1]! <= SPACE)) return false; // to be trimmed
      switch (kind) {
        case INVOICE: {
          if (empty) return false;
          const first = buf[valueStart]! | 0x20;
          if (first === 0x63 /* c */) flags |= 2;
          if (first === 0x61 /* a */) flags |= 4;
          invoiceStart = valueStart;
          invoiceEnd = o;
          break;
        }
        case STOCK: {
          const first = buf[valueStart]!;
          if (!empty && (first < ZERO || first > NINE) && isNonProductCode(buf.toString("latin1", valueStart, o))) flags |= 8;
          break;
        }
        case CUSTOMER:
          if (empty) flags |= 1;
          else if (hasByte(buf, valueStart, o, DOT)) return false; // "17850.0": a spreadsheet's id, read by the general path
          customerStart = valueStart;
          customerEnd = o;
          break;
        case QUANTITY: {
          const sign = quoted ? 2 : integerSign(buf, valueStart, o);
          if (sign === 2) return false;
          if (sign < 0) flags |= 2;
          break;
        }
        case PRICE: {
          const sign = quoted ? 2 : decimalSign(buf, valueStart, o);
          if (sign === 2) return false;
          if (sign <= 0) flags |= 16;
          break;
        }
        case DATE:
          if (quoted || !this.date(buf, valueStart, o)) return false;
          break;
        default:
          break;
      }
      if (empty) {
        if (kind === QUANTITY || kind === PRICE || kind === DATE) return false;
        buf[o++] = BACKSLASH;
        buf[o++] = 78; // \N
      }
      buf[o++] = TAB;
      field++;
      if (c === -1) break;
      // Hash the delimiter, as seenBytes does.
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x85ebca6b);
      b ^= b >>> 15;
      i++;
    }
    if (field !== width || i < end) return false; // too few or too many values: the general path says which line
    for (const column of this.converter.computed) {
      if (column === "quantity") buf[o++] = 49; // 1
      else {
        // A purchases file without order ids: the line number is the invoice.
        invoiceStart = o;
        o += buf.write(String(this.line), o, "latin1");
        invoiceEnd = o;
      }
      buf[o++] = TAB;
    }
    // The customer_key: the customer's id as copied, or for a guest a space and the invoice.
    if (customerEnd > customerStart) o += buf.copy(buf, o, customerStart, customerEnd);
    else {
      buf[o++] = SPACE;
      o += buf.copy(buf, o, invoiceStart, invoiceEnd);
    }
    buf[o++] = TAB;
    if (this.converter.records.seenHash(a, b)) flags |= 32;
    countFlags(this.converter.cleaning, flags);
    if (flags >= 10) buf[o++] = ZERO + Math.floor(flags / 10);
    buf[o++] = ZERO + (flags % 10);
    buf[o++] = LF;
    out.length = o;
    return true;
  }

  /** `YYYY-MM-DD HH:MM:SS` (or without seconds), or `M/D/YYYY H:MM[:SS]` in a file of slashed dates, with valid parts. */
  private date(v: Buffer, start: number, end: number): boolean {
    const n = end - start;
    if ((n === 19 || n === 16) && v[start + 4] === MINUS && v[start + 7] === MINUS && v[start + 10] === SPACE && v[start + 13] === COLON) {
      if (n === 19 && v[start + 16] !== COLON) return false;
      const y = two(v, start) * 100 + two(v, start + 2);
      return valid(y, two(v, start + 5), two(v, start + 8), two(v, start + 11), two(v, start + 14), n === 19 ? two(v, start + 17) : 0);
    }
    if (!this.slashedDates) return false;
    // M/D/YYYY H:MM[:SS]: 1-2 digit day, month and hour, read in the file's order.
    const parts = slashed(v, start, end);
    if (parts === null) return false;
    const [p, q, y, h, mi, s] = parts;
    return this.dmy ? valid(y, q, p, h, mi, s) : valid(y, p, q, h, mi, s);
  }

}

/** Two digits as a number; negative when either is not a digit. */
function two(v: Buffer, i: number): number {
  const x = v[i]! - ZERO;
  const y = v[i + 1]! - ZERO;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

function hasByte(v: Buffer, start: number, end: number, byte: number): boolean {
  for (let i = start; i < end; i++) if (v[i] === byte) return true;
  return false;
}

/** A whole number as the general path passes it (an optional minus, 1 to 9 digits): -1 negative, 0 zero, 1 positive; 2 otherwise. */
function integerSign(v: Buffer, start: number, end: number): number {
  let i = start;
  const negative = v[i] === MINUS;
  if (negative) i++;
  if (i === end || end - i > 9) return 2;
  let nonZero = false;
  for (; i < end; i++) {
    const c = v[i]!;
    if (c < ZERO || c > NINE) return 2;
    if (c !== ZERO) nonZero = true;
  }
  return nonZero ? (negative ? -1 : 1) : 0;
}

/** A decimal (digits, and one point between digits): its sign as integerSign gives it, or 2. */
function decimalSign(v: Buffer, start: number, end: number): number {
  let i = start;
  const negative = v[i] === MINUS;
  if (negative) i++;
  if (i === end || end - i > 30) return 2;
  let digits = 0;
  let point = -1;
  let nonZero = false;
  for (; i < end; i++) {
    const c = v[i]!;
    if (c >= ZERO && c <= NINE) {
      digits++;
      if (c !== ZERO) nonZero = true;
    } else if (c === DOT && point === -1 && digits > 0) point = i;
    else return 2;
  }
  if (point === end - 1) return 2;
  return nonZero ? (negative ? -1 : 1) : 0;
}

/** `a/b/yyyy[ h:mm[:ss]]` as its six numbers, or null. */
function slashed(v: Buffer, start: number, end: number): [number, number, number, number, number, number] | null {
  let i = start;
  const parts = [0, 0, 0, 0, 0, 0] as [number, number, number, number, number, number];
  const separators = [SLASH, SLASH, SPACE, COLON, COLON];
  const widths = [2, 2, 4, 2, 2, 2];
  for (let p = 0; p < 6; p++) {
    if (i === end && p >= 3) break; // no time, or no seconds
    if (p > 0) {
      if (v[i] !== separators[p - 1]) return null;
      i++;
    }
    const from = i;
    let value = 0;
    while (i < end && i - from < widths[p]! && v[i]! >= ZERO && v[i]! <= NINE) value = value * 10 + v[i++]! - ZERO;
    const digits = i - from;
    if (digits === 0 || (p === 2 && digits !== 4) || (p >= 4 && digits !== 2)) return null;
    parts[p] = value;
    if (p === 3 && i === end) return null; // an hour without minutes
  }
  return i === end ? parts : null;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && !leap ? 28 : DAYS[mo - 1]!);
}
