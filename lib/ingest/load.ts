import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse, CsvError, type Info } from "csv-parse";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyRow } from "./copy-text";
import { ImportError } from "./errors";
import { FORMATS, mapHeader, toRow, type FileKind, type HeaderMap } from "./formats";

/**
 * Loads CSV files into a new dataset: each file is parsed as it streams and
 * piped into COPY, all inside one transaction, so the dataset appears only once
 * every file is in. Each file gets an `imports` row that records how it went,
 * including a failure (which leaves no data behind).
 */
export interface SourceFile {
  kind: FileKind;
  fileName: string;
  body: Readable | AsyncIterable<string | Buffer> | Iterable<string>;
}

export interface ImportReport {
  importId: number;
  kind: FileKind;
  fileName: string;
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
}

export interface LoadResult {
  datasetId: number;
  imports: ImportReport[];
}

const CHUNK = 1 << 16;

export async function createDataset(
  pool: pg.Pool,
  input: { name: string; description?: string; isSample?: boolean; files: SourceFile[] },
): Promise<LoadResult> {
  const importIds: number[] = [];
  for (const file of input.files) {
    const { rows } = await pool.query<{ id: number }>(
      `insert into imports (kind, file_name, status) values ($1, $2, 'running') returning id`,
      [file.kind, file.fileName],
    );
    importIds.push(rows[0]!.id);
  }

  const client = await pool.connect();
  let current = 0;
  try {
    await client.query("begin");
    const { rows } = await client.query<{ id: number }>(
      `insert into datasets (name, description, is_sample) values ($1, $2, $3) returning id`,
      [input.name, input.description ?? null, input.isSample ?? false],
    );
    const datasetId = rows[0]!.id;
    const imports: ImportReport[] = [];
    for (; current < input.files.length; current++) {
      const file = input.files[current]!;
      const importId = importIds[current]!;
      const counts = await copyFile(client, file, datasetId, importId);
      await client.query(
        `update imports set dataset_id = $2, status = 'succeeded', byte_count = $3, row_count = $4,
                rows_loaded = $5, report = $6, finished_at = now()
          where id = $1`,
        [importId, datasetId, counts.bytes, counts.rowsRead, counts.rowsLoaded, JSON.stringify(counts)],
      );
      imports.push({ importId, kind: file.kind, fileName: file.fileName, ...counts });
    }
    await client.query("commit");
    return { datasetId, imports };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    const failure = error instanceof ImportError ? error : new ImportError("load_failed", String(error instanceof Error ? error.message : error));
    await pool.query(
      `update imports set status = 'failed', error = $2, finished_at = now() where id = any($1::int[]) and status = 'running'`,
      [importIds.slice(current), JSON.stringify(failure.toJSON())],
    );
    throw failure;
  } finally {
    client.release();
  }
}

interface CopyCounts {
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
}

async function copyFile(client: pg.PoolClient, file: SourceFile, datasetId: number, importId: number): Promise<CopyCounts> {
  const format = FORMATS[file.kind];
  const prefix = `${datasetId}\t${importId}\t`;
  const counts: CopyCounts = { bytes: 0, rowsRead: 0, rowsLoaded: 0 };
  const seenIds = file.kind === "customers" ? new Map<string, number>() : null;
  let header: HeaderMap | undefined;
  let pending = "";

  const countBytes = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      counts.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({ bom: true, skip_empty_lines: true, info: true });
  const toCopy = new Transform({
    writableObjectMode: true,
    transform({ record, info }: { record: string[]; info: Info }, _encoding, done) {
      try {
        const line = info.lines;
        if (!header) {
          header = mapHeader(format, record.map((h) => h.trim()), file.fileName);
          return done();
        }
        counts.rowsRead++;
        const row = toRow(header, record, line);
        if (seenIds) {
          const id = row[0]!;
          const first = seenIds.get(id);
          if (first !== undefined) {
            throw new ImportError("duplicate_id", `${file.fileName}, line ${line}: customer ${id} already appears on line ${first}.`, line, header.header[header.positions[0]!]);
          }
          seenIds.set(id, line);
        }
        pending += prefix + copyRow(row);
        counts.rowsLoaded++;
        if (pending.length >= CHUNK) {
          const out = pending;
          pending = "";
          return done(null, out);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      if (!header) return done(new ImportError("empty_file", `${file.fileName} is empty: it has no header line.`));
      if (counts.rowsRead === 0) return done(new ImportError("no_rows", `${file.fileName} has a header but no rows.`, 2));
      done(null, pending || undefined);
    },
  });

  const columns = ["dataset_id", "import_id", ...format.columns].map((c) => `"${c}"`).join(", ");
  const copy = client.query(copyFrom(`COPY "${format.table}" (${columns}) FROM STDIN`));
  try {
    await pipeline(file.body as Readable, countBytes, parser, toCopy, copy);
  } catch (error) {
    throw asImportError(error, file.fileName);
  }
  return counts;
}

function asImportError(error: unknown, fileName: string): ImportError {
  if (error instanceof ImportError) {
    return error.message.startsWith(fileName) ? error : new ImportError(error.code, `${fileName}: ${error.message}`, error.line, error.column);
  }
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    const kinds: Record<string, string> = {
      CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
      CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: "this row has a different number of fields than the header",
      CSV_INVALID_CLOSING_QUOTE: "a quote closes a field in the middle of it",
    };
    const what = kinds[error.code] ?? error.message;
    return new ImportError(error.code.toLowerCase(), `${fileName}, line ${line}: ${what}.`, line);
  }
  return new ImportError("load_failed", `${fileName}: ${error instanceof Error ? error.message : String(error)}`);
}
