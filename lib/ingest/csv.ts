import { Transform, type TransformCallback } from "node:stream";
import Papa from "papaparse";
import { ImportError } from "./errors";

/**
 * CSV text in, batches of rows out, each row with the physical line it starts
 * on (quoted fields may hold line breaks). PapaParse's core parser does the
 * parsing, chunk by chunk as its own ChunkStreamer does; unlike its Node
 * duplex stream, this keeps its errors, which become ImportErrors.
 */
export interface RowBatch {
  rows: string[][];
  /** lines[i] is the line rows[i] starts on (1-based). */
  lines: number[];
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

function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

export class CsvRowStream extends Transform {
  private readonly parser: InstanceType<typeof Papa.Parser>;
  private partial = "";
  private baseIndex = 0;
  private line = 1;

  constructor(
    private readonly format: CsvFormat,
    private readonly fileName: string,
  ) {
    super({ readableObjectMode: true, decodeStrings: false });
    this.parser = new Papa.Parser({ delimiter: format.delimiter, newline: format.newline, quoteChar: '"', escapeChar: '"' });
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const batch = this.parse(this.partial + chunk.toString(), false);
      done(null, batch.rows.length ? batch : undefined);
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const batch = this.parse(this.partial, true);
      done(null, batch.rows.length ? batch : undefined);
    } catch (error) {
      done(error as Error);
    }
  }

  private parse(text: string, final: boolean): RowBatch {
    this.partial = "";
    const result = this.parser.parse(text, this.baseIndex, !final) as Papa.ParseResult<string[]>;
    const consumed = final ? text.length : result.meta.cursor - this.baseIndex;
    if (!final) {
      this.partial = text.substring(consumed);
      this.baseIndex = result.meta.cursor;
    }
    const rows = result.data.filter((row) => !(row.length === 1 && row[0] === ""));
    const lines = this.lineNumbers(result.data, text.substring(0, consumed));
    const error = result.errors[0];
    if (error) {
      const line = lines.all[error.row ?? 0] ?? this.line;
      const what =
        error.code === "MissingQuotes"
          ? "a quoted field is never closed (a quote opens here and no closing quote follows)"
          : error.code === "InvalidQuotes"
            ? "a quote closes a field in the middle of it (quotes inside a field must be doubled)"
            : error.message;
      throw new ImportError(error.code === "MissingQuotes" ? "unterminated_quote" : "invalid_quotes", `${this.fileName}, line ${line}: ${what}.`, line);
    }
    return { rows, lines: lines.kept };
  }

  /** The starting line of each parsed row; blank lines are skipped but counted. */
  private lineNumbers(data: string[][], consumedText: string): { all: number[]; kept: number[] } {
    const breaks = countOccurrences(consumedText, this.format.newline);
    const all: number[] = new Array(data.length);
    const kept: number[] = [];
    // Fast path: as many line breaks as rows, so no field holds a line break.
    const embedded = breaks !== data.length && breaks !== data.length - 1;
    for (let i = 0; i < data.length; i++) {
      const row = data[i]!;
      all[i] = this.line;
      if (!(row.length === 1 && row[0] === "")) kept.push(this.line);
      let extra = 0;
      if (embedded) for (const field of row) if (field.length > 0 && field.includes("\n")) extra += countOccurrences(field, "\n");
      this.line += 1 + extra;
    }
    return { all, kept };
  }
}
