import { isAscii } from "node:buffer";
import { Transform, type TransformCallback } from "node:stream";
import { ImportError } from "./errors";
import { fieldLimits, fieldTooLong, PendingRecord, recordTooLong, type FieldLimits } from "./pending-record";

/**
 * CSV text in, batches of rows out, each row with the physical line it starts
 * on (quoted fields may hold line breaks) and where its record lies in the
 * batch's text as written (what exact-duplicate detection hashes).
 *
 * The parser is our own, written for the load's hot path: PapaParse, which
 * it replaces, spent 15 s of a 10-million-line upload parsing (14 of 47 s),
 * and uDSV, the fastest library measured (6 s), silently mis-reads broken
 * rows (`1,"x"y,2` becomes `1,y,2`; a short row swallows the next one),
 * where a load must refuse them with their line. This one splits quote-free
 * records with native string search (most rows of most exports) and walks
 * the others character by character, reading exactly what PapaParse reads:
 * - RFC 4180 quoting: `"a, ""b"""` is `a, "b"`; quoted fields may hold line breaks;
 * - a quote inside an unquoted field is a plain character (`x"y"`);
 * - spaces between a closing quote and the delimiter are allowed; anything
 *   else there is an error ("invalid_quotes"), as is a quote never closed
 *   ("unterminated_quote"); both name the line the record starts on;
 * - blank lines are skipped (and counted);
 * - a value longer than the limit (SEGMENTA_MAX_FIELD_BYTES), or a record
 *   longer than that and 64 KB, is an error naming its line and column.
 */
export interface RowBatch {
  rows: string[][];
  /** lines[i] is the line rows[i] starts on (1-based). */
  lines: number[];
  /** The text the rows were read from; rows[i]'s record as written (without its line break) is text[starts[i], ends[i]). */
  text: string;
  starts: number[];
  ends: number[];
  /** The text's UTF-8 bytes when it is ASCII (then offsets in the text are offsets in the bytes), else null. */
  bytes: Buffer | null;
  /**
   * True when no field of the batch holds a backslash, a tab, a carriage
   * return or a line feed: its values need no escaping in COPY's text format.
   */
  plain: boolean;
}

export interface CsvFormat {
  delimiter: string;
  newline: "\n" | "\r\n" | "\r";
}

export function guessNewline(text: string): CsvFormat["newline"] {
  const crlf = text.indexOf("\r\n");
  const lf = text.indexOf("\n");
  const cr = text.indexOf("\r");
  if (crlf !== -1 && crlf <= lf) return "\r\n";
  if (lf === -1 && cr !== -1) return "\r";
  return "\n";
}

const QUOTE = 34;
const SPACE = 32;

/** A parse stopped in the middle of a record: the rest waits for more text (or, at the end, is an error). */
const INCOMPLETE = Symbol("incomplete");

export class CsvParser {
  /** The line the next record starts on (1-based); a caller reading records itself keeps it. */
  line = 1;
  private readonly delimiter: string;
  private readonly newline: string;
  /** The character that counts lines inside values, as an editor counts them. */
  private readonly breakChar: string;

  constructor(
    private readonly format: CsvFormat,
    private readonly fileName: string,
    private readonly limits: FieldLimits = fieldLimits(),
  ) {
    this.delimiter = format.delimiter;
    this.newline = format.newline;
    this.breakChar = format.newline === "\r" ? "\r" : "\n";
  }

  /**
   * Parses the whole records of `text`; returns them and how much of the text
   * they used (the rest is an unfinished record, unless `final`).
   */
  parse(text: string, final: boolean, bytes: Buffer | null = null): { batch: RowBatch; consumed: number } {
    const rows: string[][] = [];
    const lines: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const { delimiter, newline } = this;
    const nlLength = newline.length;
    const end = text.length;
    let plain = plainText(text, delimiter, this.format.newline);
    let pos = 0;
    // The next quote at or after pos (-1: none left in this text).
    let quote = text.indexOf('"');
    while (pos < end) {
      let nl = text.indexOf(newline, pos);
      if (nl === -1) {
        if (!final) break;
        nl = end;
      }
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      if (quote === -1 || quote >= nl) {
        // No quote in this line: the record is the line.
        if (nl > pos) {
          if (nl - pos > this.limits.maxField) this.checkLine(text, pos, nl);
          rows.push(text.slice(pos, nl).split(delimiter));
          lines.push(this.line);
          starts.push(pos);
          ends.push(nl);
        }
        this.line++;
        pos = nl + nlLength;
        continue;
      }
      const parsed = this.quoted(text, pos, final);
      if (parsed === INCOMPLETE) break;
      if (parsed.end - pos > this.limits.maxRecord) throw recordTooLong(this.fileName, this.line, this.limits);
      // A lone empty quoted value ("") reads as a blank line, as PapaParse's rows did.
      if (parsed.fields.length > 1 || parsed.fields[0] !== "") {
        rows.push(parsed.fields);
        lines.push(this.line);
        starts.push(pos);
        ends.push(parsed.end);
      }
      if (parsed.breaks > 0) plain = false;
      this.line += 1 + parsed.breaks;
      pos = parsed.end + (parsed.end < end ? nlLength : 0);
    }
    return { batch: { rows, lines, text, starts, ends, bytes, plain }, consumed: Math.min(pos, end) };
  }

  /**
   * One record from `start` (at this.line), quoted or not: its fields, where
   * it ends (at its line break) and the line breaks inside its values; or
   * "incomplete" when the text stops inside it (and it is not final).
   */
  record(text: string, start: number, final: boolean): { fields: string[]; end: number; breaks: number } | "incomplete" {
    const record = this.quoted(text, start, final);
    return record === INCOMPLETE ? "incomplete" : record;
  }

  /** One record that holds a quote, from `start`: its fields, where it ends (at its line break), and the line breaks inside its values. */
  private quoted(text: string, start: number, final: boolean): { fields: string[]; end: number; breaks: number } | typeof INCOMPLETE {
    const { delimiter, newline } = this;
    const end = text.length;
    const fields: string[] = [];
    let breaks = 0;
    let pos = start;
    for (;;) {
      if (text.charCodeAt(pos) !== QUOTE) {
        // An unquoted field: up to the delimiter or the line break.
        let nl = text.indexOf(newline, pos);
        if (nl === -1) {
          if (!final) return INCOMPLETE;
          nl = end;
        }
        const stop = text.indexOf(delimiter, pos);
        if ((stop === -1 || stop > nl ? nl : stop) - pos > this.limits.maxField) throw this.tooLong(breaks, fields.length);
        if (stop === -1 || stop > nl) {
          fields.push(text.slice(pos, nl));
          return { fields, end: nl, breaks };
        }
        fields.push(text.slice(pos, stop));
        pos = stop + delimiter.length;
        continue;
      }
      // A quoted field: up to the quote that is not doubled.
      let value = "";
      let from = pos + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1 || (close + 1 >= end && !final)) {
          if (!final) return INCOMPLETE;
          throw this.error("unterminated_quote", "a quoted field is never closed (a quote opens here and no closing quote follows)");
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(from, close + 1);
          from = close + 2;
          if (value.length > this.limits.maxField) throw this.tooLong(breaks, fields.length);
          continue;
        }
        value += text.slice(from, close);
        pos = close + 1;
        break;
      }
      if (value.length > this.limits.maxField) throw this.tooLong(breaks, fields.length);
      breaks += countBreaks(value, this.breakChar);
      fields.push(value);
      // Spaces may stand between the closing quote and the delimiter (PapaParse reads them so).
      while (pos < end && text.charCodeAt(pos) === SPACE && delimiter !== " ") pos++;
      if (pos >= end) {
        if (!final) return INCOMPLETE;
        return { fields, end: pos, breaks };
      }
      if (text.startsWith(delimiter, pos)) {
        pos += delimiter.length;
        continue;
      }
      if (text.startsWith(newline, pos)) return { fields, end: pos, breaks };
      if (!final && pos + newline.length > end && text.charCodeAt(pos) === newline.charCodeAt(0)) return INCOMPLETE;
      throw this.error("invalid_quotes", "a quote closes a field in the middle of it (quotes inside a field must be doubled)");
    }
  }

  /** A line (a record without quotes) longer than one value may be: the first value over the limit, or the record, is an error. */
  private checkLine(text: string, start: number, end: number): void {
    let from = start;
    for (let column = 0; ; column++) {
      const stop = text.indexOf(this.delimiter, from);
      const to = stop === -1 || stop > end ? end : stop;
      if (to - from > this.limits.maxField) throw fieldTooLong(this.fileName, this.line, column + 1, this.limits);
      if (to === end) break;
      from = to + this.delimiter.length;
    }
    if (end - start > this.limits.maxRecord) throw recordTooLong(this.fileName, this.line, this.limits);
  }

  /** The value at index `column` of the record being read, which starts `breaks` lines into it, is over the limit. */
  private tooLong(breaks: number, column: number): ImportError {
    return fieldTooLong(this.fileName, this.line + breaks, column + 1, this.limits);
  }

  private error(code: "unterminated_quote" | "invalid_quotes", what: string): ImportError {
    return new ImportError(code, `${this.fileName}, line ${this.line}: ${what}.`, this.line);
  }
}

function countBreaks(value: string, breakChar: string): number {
  let n = 0;
  for (let i = value.indexOf(breakChar); i !== -1; i = value.indexOf(breakChar, i + 1)) n++;
  return n;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * True when the text holds no character COPY's text format must escape
 * outside the delimiters and the record ends: backslash, tab (unless it is the
 * delimiter), and carriage returns or line feeds that are not the record ends.
 * (Line breaks inside quoted values are found by the parser.)
 */
function plainText(text: string, delimiter: string, newline: CsvFormat["newline"]): boolean {
  if (text.indexOf("\\") !== -1 || (delimiter !== "\t" && text.indexOf("\t") !== -1)) return false;
  if (newline === "\n") return text.indexOf("\r") === -1;
  if (newline === "\r") return text.indexOf("\n") === -1;
  const pairs = count(text, "\r\n");
  return count(text, "\r") === pairs && count(text, "\n") === pairs;
}

/**
 * The parse one chunk at a time: decoded text in (UTF-8 bytes, or strings),
 * a batch of the chunk's whole records out. ASCII text (most exports) keeps its
 * bytes beside it, so records are hashed on bytes (4 times faster than on the
 * string's characters). Synchronous, so a worker thread (parse-thread.ts) or a
 * stream (CsvRowStream) can drive it.
 */
export class CsvRows {
  private readonly parser: CsvParser;
  /**
   * The unfinished record of the last chunks, held until a chunk ends it
   * (pending-record.ts): bytes while the input is bytes, text once a chunk
   * came as text (Windows-1252 files).
   */
  private readonly pending: PendingRecord;

  constructor(format: CsvFormat, fileName: string, limits: FieldLimits = fieldLimits()) {
    this.parser = new CsvParser(format, fileName, limits);
    this.pending = new PendingRecord(format, fileName, limits);
  }

  /** The whole records this chunk ends, if any. */
  write(chunk: Buffer | string): RowBatch | undefined {
    if (!this.pending.add(chunk)) return undefined;
    return this.run(this.pending.take(), false);
  }

  /** The records left at the end of the file. */
  end(): RowBatch | undefined {
    return this.run(this.pending.take(), true);
  }

  private run(input: Buffer | string, final: boolean): RowBatch | undefined {
    const ascii = typeof input !== "string" && isAscii(input);
    const text = typeof input === "string" ? input : input.toString(ascii ? "latin1" : "utf8");
    const { batch, consumed } = this.parser.parse(text, final, ascii ? (input as Buffer) : null);
    if (!final) {
      const rest = typeof input === "string" ? text.slice(consumed) : ascii ? input.subarray(consumed) : Buffer.from(text.slice(consumed));
      this.pending.hold(rest, this.parser.line);
    }
    return batch.rows.length ? batch : undefined;
  }
}

/** CsvRows as a stream: decoded text in, batches out. */
export class CsvRowStream extends Transform {
  private readonly rows: CsvRows;

  constructor(format: CsvFormat, fileName: string, limits: FieldLimits = fieldLimits()) {
    super({ readableObjectMode: true, decodeStrings: false });
    this.rows = new CsvRows(format, fileName, limits);
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.rows.write(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.rows.end());
    } catch (error) {
      done(error as Error);
    }
  }
}
