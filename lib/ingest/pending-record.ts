import { ImportError } from "./errors";

/**
 * The limits on one value and one record of a file, and the unfinished record
 * a chunk ends with, held until a later chunk ends it.
 *
 * Why: the parse streams (csv.ts, fast-lines.ts) used to join the unfinished
 * record to each new chunk and parse it again from its start, so a value that
 * spans n chunks cost about n²/2 chunk scans: a single 30 MB field took 32 s
 * to load, and the event loop was blocked for the whole of each re-parse.
 * Now each held chunk is scanned once, by the parser's rules for where a
 * record ends (quoted values, doubled quotes, spaces after a closing quote),
 * and the chunks are joined and parsed once, when the record ends in one.
 * The scan stops a value longer than the limit as soon as it passes it, so a
 * huge value is refused after reading one limit's worth, not after the file.
 */
/** A file's delimiter and line break (csv.ts's CsvFormat). */
interface Format {
  delimiter: string;
  newline: "\n" | "\r\n" | "\r";
}

export interface FieldLimits {
  /** The longest value (field) accepted, in bytes of the file. */
  maxField: number;
  /** The longest record (row) accepted, in bytes: one value at the limit and 64 KB (one record is parsed in one step). */
  maxRecord: number;
  /** The header's names, to name a column in errors (when known). */
  columns?: readonly string[];
}

/** 1 MiB: SEGMENTA_MAX_FIELD_BYTES's default (lib/env.ts). */
export const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;
/**
 * A record (row) may be as long as one value at the limit and 64 KB more for
 * its other values: a record is parsed and converted in one step once it has
 * all arrived, about 20 ms per MB with line breaks, quotes and backslashes to
 * escape (2 cores, Dec 2026; twice that on a busy machine), so at the default
 * each step stays well under 100 ms. A raised limit lengthens that step in
 * proportion.
 */
const RECORD_SLACK = 64 * 1024;

export function fieldLimits(maxField = DEFAULT_MAX_FIELD_BYTES, columns?: readonly string[]): FieldLimits {
  return { maxField, maxRecord: maxField + RECORD_SLACK, columns };
}

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A value over the limit: the error names the file, the line the value starts on and its column (1-based). */
export function fieldTooLong(fileName: string, line: number, column: number, limits: FieldLimits): ImportError {
  const name = limits.columns?.[column - 1];
  const label = name ? `column ${column} ("${name}")` : `column ${column}`;
  return new ImportError(
    "field_too_long",
    `${fileName}, line ${line}, ${label}: the value is longer than the limit of ${formatBytes(limits.maxField)} for one value (SEGMENTA_MAX_FIELD_BYTES). Nothing was stored.`,
    line,
    name ?? `column ${column}`,
  );
}

export function recordTooLong(fileName: string, line: number, limits: FieldLimits): ImportError {
  return new ImportError(
    "record_too_long",
    `${fileName}, line ${line}: the record starting on this line is longer than the limit of ${formatBytes(limits.maxRecord)} for one row (SEGMENTA_MAX_FIELD_BYTES and 64 KB). Nothing was stored.`,
    line,
  );
}

const QUOTE = 34;
const SPACE = 32;
const LF = 10;
const CR = 13;

/** Where the scan is in the held record. */
const State = {
  /** At the start of a value. */
  Start: 0,
  /** In an unquoted value. */
  Unquoted: 1,
  /** In a quoted value. */
  Quoted: 2,
  /** Just after a quote inside a quoted value: doubled, or the closing one. */
  QuoteSeen: 3,
  /** After a closing quote (spaces may follow before the delimiter). */
  Closed: 4,
  /** After a closing quote and a carriage return, in a \r\n file. */
  ClosedCr: 5,
} as const;
type State = (typeof State)[keyof typeof State];

export class PendingRecord {
  private parts: (Buffer | string)[] = [];
  /** Bytes (or characters) held. */
  length = 0;
  /** True when the held text may hold a record's end: join and parse it. */
  private ends = false;
  private state: State = State.Start;
  private field = 0;
  private fieldLength = 0;
  private breaks = 0;
  private fieldBreaks = 0;
  private previous = -1;
  private line = 1;
  private readonly delimiter: number;
  private readonly newline: Format["newline"];
  private readonly breakChar: number;
  private readonly exact: boolean;

  constructor(
    format: Format,
    private readonly fileName: string,
    private readonly limits: FieldLimits,
  ) {
    this.delimiter = format.delimiter.charCodeAt(0);
    this.newline = format.newline;
    this.breakChar = format.newline === "\r" ? CR : LF;
    // A delimiter of several characters is not scanned: every chunk is parsed (as before).
    this.exact = format.delimiter.length === 1;
  }

  /**
   * Holds `rest`, the unfinished record at the end of the text just parsed,
   * which starts on `line`.
   */
  hold(rest: Buffer | string, line: number): void {
    this.parts = [];
    this.length = 0;
    this.ends = false;
    this.state = State.Start;
    this.field = 0;
    this.fieldLength = 0;
    this.breaks = 0;
    this.fieldBreaks = 0;
    this.previous = -1;
    this.line = line;
    if (rest.length > 0) this.append(rest);
  }

  /** Adds a chunk; true when a record may end in it (then take() the text and parse it). */
  add(chunk: Buffer | string): boolean {
    if (this.length === 0) {
      this.parts = [chunk];
      this.length = chunk.length;
      return true;
    }
    this.append(chunk);
    return this.ends || !this.exact;
  }

  /** The held text, joined (text as soon as one part is text), and nothing held. */
  take(): Buffer | string {
    const parts = this.parts;
    this.parts = [];
    this.length = 0;
    this.ends = false;
    if (parts.length === 1) return parts[0]!;
    if (parts.every((p) => typeof p !== "string")) return Buffer.concat(parts as Buffer[]);
    return parts.map((p) => p.toString()).join("");
  }

  private append(chunk: Buffer | string): void {
    this.parts.push(chunk);
    this.length += chunk.length;
    if (!this.ends && this.exact) this.ends = this.scan(chunk);
    if (!this.ends && this.length > this.limits.maxRecord) throw recordTooLong(this.fileName, this.line, this.limits);
  }

  /** Scans a chunk from where the last stopped: true at the first place the record may end. */
  private scan(chunk: Buffer | string): boolean {
    const text = typeof chunk === "string" ? chunk : null;
    const bytes = typeof chunk === "string" ? null : chunk;
    const n = chunk.length;
    const { delimiter, breakChar, newline } = this;
    const maxField = this.limits.maxField;
    let state: State = this.state;
    let fieldLength = this.fieldLength;
    let previous = this.previous;
    let ended = false;
    for (let i = 0; i < n; i++) {
      const c = text === null ? bytes![i]! : text.charCodeAt(i);
      switch (state) {
        case State.Start:
          if (c === QUOTE) state = State.Quoted;
          else if (c === delimiter) this.nextField();
          else if (this.endsLine(c, previous)) ended = true;
          else {
            state = State.Unquoted;
            fieldLength = 1;
          }
          break;
        case State.Unquoted:
          if (c === delimiter) {
            state = State.Start;
            fieldLength = 0;
            this.nextField();
          } else if (this.endsLine(c, previous)) ended = true;
          else fieldLength++;
          break;
        case State.Quoted:
          if (c === QUOTE) state = State.QuoteSeen;
          else {
            fieldLength++;
            if (c === breakChar) this.breaks++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            state = State.Quoted;
            fieldLength++;
            break;
          }
          state = State.Closed;
        // falls through: the quote closed the value, and c comes after it
        case State.Closed:
          if (c === SPACE && delimiter !== SPACE) break;
          if (c === delimiter) {
            state = State.Start;
            fieldLength = 0;
            this.nextField();
          } else if (newline === "\r\n" && c === CR) state = State.ClosedCr;
          else ended = true; // the record's end, or an error the parser names
          break;
        case State.ClosedCr:
          ended = true;
          break;
      }
      if (fieldLength > maxField) throw fieldTooLong(this.fileName, this.line + this.fieldBreaks, this.field + 1, this.limits);
      if (ended) break;
      previous = c;
    }
    this.state = state;
    this.fieldLength = fieldLength;
    this.previous = previous;
    return ended;
  }

  private nextField(): void {
    this.field++;
    this.fieldBreaks = this.breaks;
  }

  /** A line break that ends a record outside quotes, as the parser finds them (`previous`: the character before). */
  private endsLine(c: number, previous: number): boolean {
    if (this.newline === "\n") return c === LF;
    if (this.newline === "\r") return c === CR;
    return c === LF && previous === CR;
  }
}
