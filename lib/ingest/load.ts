/* eslint-disable max-lines -- one load's transaction from first byte to commit: its steps share the connection and the error handling. */
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { z } from "zod";
import type { CleaningCounts } from "./cleaning";
import type { Encoding } from "./decode";
import { ImportError } from "./errors";
import { LAYOUTS, autoMapping, customerColumnKeys, mappingFromNames, missingFields, refuseAmbiguousColumns, type FileKind, type Layout, type Mapping } from "./layouts";
import { bytePathFits, dateStyle } from "./fast-lines";
import { openParser, ParseStream } from "./parse-thread";
import { fieldLimits, formatBytes } from "./pending-record";
import { makeConverter, type ConverterInput, type LineConverter } from "./rows";
import { DATE_FIELDS, detectValueFormats, SNIFF_BYTES, sniff } from "./sniff";
import { attachPartition, createPartitionTable, loadsOneAtATime, oneConnectionPerNode, partitionExists, partitionName } from "./storage";
import type { DateOrder } from "./values";
import { longWorkPool } from "../db/pool";
import { backgroundNice } from "../env";
import { datasetExists } from "../queries/datasets";
import { lockImports, markImportsFailed, markInterruptedImportsFailed } from "../queries/imports";
import { rowsOf } from "../queries/rows";

/**
 * Loads CSV files into a dataset. Each file streams through
 * decode → parse → check → COPY, so memory stays flat whatever its size, and
 * everything happens in one transaction: a new dataset appears only once all
 * its files are in; append and replace are atomic. Each file gets an `imports`
 * row, committed up front, that ends as succeeded (with its report) or failed
 * (with its error); a failed file leaves no rows behind.
 */
export interface UploadOptions {
  /** The kind or layout of the file, when the analyst says; otherwise read from the header. */
  kind?: FileKind | Layout;
  /** Field → column name, overriding the automatic mapping. */
  mapping?: Record<string, string | null>;
  dateOrder?: DateOrder;
  decimalComma?: boolean;
}

export type ImportTarget =
  | { mode: "create"; name: string; description?: string; isSample?: boolean }
  | { mode: "append" | "replace"; datasetId: number };

export interface SourceFile {
  fileName: string;
  body: Readable | AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  options?: UploadOptions;
  /** About how many bytes the file has, when known (sizes the duplicate finder). */
  size?: number;
}

export interface ImportReport {
  importId: number;
  kind: FileKind;
  layout: Layout;
  fileName: string;
  encoding: Encoding;
  delimiter: string;
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
  /** Per cleaning rule, how many loaded lines the analysis leaves out (transactions only). */
  cleaning: CleaningCounts | null;
  /** A customers file's columns (headers as written) and where each is kept (customerColumnKeys). */
  columns?: { name: string; key: string }[];
}

export interface LoadResult {
  datasetId: number;
  imports: ImportReport[];
}

export interface LoadHooks {
  /** Called as rows go in. */
  onProgress?: (progress: { bytes: number; rows: number }) => void;
  /** Largest file accepted, in bytes. */
  maxBytes?: number;
  /** Longest value (field) accepted, in bytes (pending-record.ts; 1 MiB when not given). */
  maxFieldBytes?: number;
  /** The nice value of the thread that parses the file (parse-thread.ts; 0: as the process's; default SEGMENTA_BACKGROUND_NICE). */
  nice?: number;
}

export const DEFAULT_MAX_BYTES = 1024 ** 3;

export async function loadFiles(pool: pg.Pool, target: ImportTarget, files: SourceFile[], hooks: LoadHooks = {}): Promise<LoadResult> {
  // One connection does it all, so a load never waits for a second one from a busy pool; one of the long work's,
  // so it takes none of the readers' while the file streams in (lib/db/pool.ts).
  const client = await longWorkPool(pool).connect();
  let broken = false;
  // The connection may die under the load (the database stopped): that is the load's failure, not the process's.
  const lost = () => {
    broken = true;
  };
  client.on("error", lost);
  try {
    // Imports an earlier load left running when its connection died are marked failed now, not only at the next start.
    await markInterruptedImportsFailed(client);
    if (target.mode !== "create") {
      if (!(await datasetExists(client, target.datasetId))) throw new ImportError("dataset_not_found", `There is no dataset ${target.datasetId}.`, undefined, undefined, 404);
    }
    // The import records are committed first, so a failure (or a killed server) leaves its trace.
    const started = await rowsOf(
      client,
      Id,
      `insert into imports (dataset_id, kind, mode, file_name, status, backend_pid, started_at)
       select $1, kind, $3, file_name, 'running', pg_backend_pid(), clock_timestamp()
       from unnest($2::import_kind[], $4::text[]) with ordinality as f(kind, file_name, n) order by n
       returning id`,
      [target.mode === "create" ? null : target.datasetId, files.map((f) => kindHint(f.options?.kind)), target.mode, files.map((f) => f.fileName)],
    );
    const importIds = started.map((r) => r.id);
    let current = 0;
    try {
      await client.query("begin");
      // A load that stalls between statements must not hold its locks for ever.
      await client.query("set local idle_in_transaction_session_timeout = '2min'");
      // On a Citus cluster, the imports' updates after the COPY need one connection per node (storage.ts).
      await oneConnectionPerNode(client);
      // On a Citus cluster, loads take turns: their writes of the reference tables deadlocked (storage.ts).
      await loadsOneAtATime(client);
      // Then its import records, before the dataset (on Citus a lock order the other loads' writes of imports share).
      await lockImports(client, importIds);
      const datasetId = await openDataset(client, target);
      const lines = new LinesTable(client, datasetId, target.mode);
      const imports: ImportReport[] = [];
      for (; current < files.length; current++) {
        // Each file's times are its own (statement_timestamp(): now() is the transaction's start; Citus refuses clock_timestamp() in an UPDATE).
        if (current > 0) await client.query("update imports set started_at = statement_timestamp() where id = $1", [importIds[current]]);
        const report = await loadFile(client, files[current]!, datasetId, importIds[current]!, target.mode, lines, hooks);
        await client.query(
          `update imports set dataset_id = $2, kind = $3, status = 'succeeded', byte_count = $4, row_count = $5,
                  rows_loaded = $6, report = $7, finished_at = statement_timestamp()
            where id = $1`,
          [report.importId, datasetId, report.kind, report.bytes, report.rowsRead, report.rowsLoaded, JSON.stringify(report)],
        );
        imports.push(report);
      }
      await lines.finish();
      // The summaries (summaries.ts) are stale from this commit on.
      await client.query("update datasets set updated_at = statement_timestamp(), data_version = data_version + 1 where id = $1", [datasetId]);
      await client.query("commit");
      return { datasetId, imports };
    } catch (error) {
      const fileName = files[current]?.fileName ?? files[0]!.fileName;
      let failure = clusterNodeLost(error, fileName) ?? (error instanceof ImportError ? error : new ImportError("load_failed", describe(error), undefined, undefined, 500));
      const failed = importIds.slice(current);
      let rolledBack = false;
      try {
        if (broken) throw failure;
        await client.query("rollback");
        rolledBack = true;
        await markImportsFailed(client, failed, failure.toJSON());
      } catch {
        // The connection is gone (the database stopped, restarted, or ended the session): PostgreSQL
        // rolls the transaction back, and the imports are marked failed through a new connection as
        // soon as the database answers again (the next load, and the next start, would mark them too).
        // Or, on a Citus cluster, the coordinator rolled back but a stopped worker keeps a copy of imports
        // (a reference table) from being written: the failure stands as it is, marked once the worker is back.
        if (!rolledBack) {
          broken = true;
          if (failure.status >= 500 || failure.code === "upload_interrupted") failure = databaseLost(fileName);
        }
        void markFailedWhenBack(pool, failed, failure);
      }
      throw failure;
    }
  } finally {
    client.off("error", lost);
    // A connection whose rollback failed may still be inside the transaction: close it rather than reuse it.
    client.release(broken);
  }
}

/** How long a load cut off by a database outage keeps trying to mark its imports failed. */
const MARK_FAILED_FOR_MS = 10 * 60_000;

function databaseLost(fileName: string): ImportError {
  return new ImportError(
    "database_unavailable",
    `${fileName}: the connection to the database was lost while the file was loading; nothing from it was stored. Upload it again once the database is back.`,
    undefined,
    undefined,
    503,
  );
}

/**
 * On a Citus cluster, a worker that stopped answering during the load (the coordinator says which: "failed to
 * COPY to shard 102051 on 127.0.0.1:9841", "connection to the remote node postgres@127.0.0.1:9841 failed"): the
 * coordinator rolled the load back on every node, so nothing is stored; the answer names the server.
 */
function clusterNodeLost(error: unknown, fileName: string): ImportError | null {
  const node = /(?:failed to COPY to shard \d+ on|connection to the remote node (?:[^@\s]+@)?)\s*([\w.-]+:\d+)/.exec(describe(error))?.[1];
  if (!node) return null;
  return new ImportError(
    "database_unavailable",
    `${fileName}: the database server ${node}, one of the cluster's, stopped answering while the file was loading; nothing from it was stored. Upload it again once that server is back.`,
    undefined,
    undefined,
    503,
  );
}

/** Marks the imports failed through the pool's connections, retrying (up to 5 s apart, for 10 minutes) while the database is down. */
async function markFailedWhenBack(pool: pg.Pool, ids: number[], failure: ImportError): Promise<void> {
  const deadline = Date.now() + MARK_FAILED_FOR_MS;
  for (let wait = 200; !pool.ending; wait = Math.min(wait * 2, 5000)) {
    try {
      await markImportsFailed(pool, ids, failure.toJSON());
      return;
    } catch {
      if (Date.now() + wait > deadline) return;
      await new Promise<void>((resolve) => setTimeout(resolve, wait).unref());
    }
  }
}

/** The id a statement returns (an import's, a dataset's). */
const Id = z.object({ id: z.number() });

function kindHint(kind: UploadOptions["kind"]): FileKind {
  return kind === "customers" ? "customers" : "transactions";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function openDataset(client: pg.PoolClient, target: ImportTarget): Promise<number> {
  if (target.mode === "create") {
    const { rows } = await client.query(
      `insert into datasets (name, description, is_sample) values ($1, $2, $3) returning id`,
      [target.name, target.description ?? null, target.isSample ?? false],
    );
    return Id.parse(rows[0]).id;
  }
  // Imports into one dataset wait for each other; the dataset may have been deleted meanwhile.
  if (!(await datasetExists(client, target.datasetId, { lock: true }))) throw new ImportError("dataset_not_found", `Dataset ${target.datasetId} was deleted during the upload.`, undefined, undefined, 404);
  return target.datasetId;
}

/**
 * The table a load COPYs a dataset's lines into (storage.ts): a new dataset's
 * lines, and a replace's, go into a table created in the load's transaction
 * (COPY FREEZE), attached as the dataset's partition when the load ends; an
 * append goes into the partition the dataset has.
 */
class LinesTable {
  private name: string | null = null;
  private fresh = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly datasetId: number,
    private readonly mode: ImportTarget["mode"],
  ) {}

  /** The table to COPY into, and whether it was created in this transaction (COPY may FREEZE it). */
  async target(): Promise<{ name: string; fresh: boolean }> {
    if (this.name === null) {
      const existing = this.mode === "create" ? false : await partitionExists(this.client, "transaction_lines", this.datasetId);
      this.fresh = this.mode === "replace" || !existing;
      this.name = this.fresh
        ? existing
          ? // Shaped like the partition it replaces: nothing held on the parent before the detach (storage.ts).
            await createPartitionTable(this.client, "transaction_lines", this.datasetId, partitionName("transaction_lines", this.datasetId, "new"), partitionName("transaction_lines", this.datasetId))
          : await createPartitionTable(this.client, "transaction_lines", this.datasetId)
        : partitionName("transaction_lines", this.datasetId);
    }
    return { name: this.name, fresh: this.fresh };
  }

  /** Puts a new table in place as the dataset's partition (a replace drops the old one first), inside the load's transaction. */
  async finish(): Promise<void> {
    if (this.name === null || !this.fresh) return;
    const final = partitionName("transaction_lines", this.datasetId);
    if (this.name !== final) {
      // Replace: the old lines go, the new take their name. Detaching takes a lock every reader of any
      // dataset's lines waits for until this commits; it is taken last, so it is held for the commit only.
      await this.client.query("set local lock_timeout = '60s'");
      await this.client.query(`alter table transaction_lines detach partition ${final}`);
      await this.client.query(`drop table ${final}`);
      await this.client.query(`alter table ${this.name} rename to ${final}`);
    }
    await attachPartition(this.client, "transaction_lines", final, this.datasetId);
  }
}

/** The first bytes of a stream (for sniffing), and the whole stream again. */
async function peek(body: SourceFile["body"]): Promise<{ head: Buffer; complete: boolean; stream: Readable }> {
  const iterator = (Readable.from(body as Iterable<Buffer | string>, { objectMode: false }) as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let complete = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      complete = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay() {
    yield head;
    if (complete) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, complete, stream: Readable.from(replay(), { objectMode: false }) };
}

async function loadFile(
  client: pg.PoolClient,
  file: SourceFile,
  datasetId: number,
  importId: number,
  mode: ImportTarget["mode"],
  lines: LinesTable,
  hooks: LoadHooks,
): Promise<ImportReport> {
  const options = file.options ?? {};
  const maxBytes = hooks.maxBytes ?? DEFAULT_MAX_BYTES;
  const { head, complete, stream } = await peek(file.body);
  const sniffed = sniff(head, file.fileName, complete, options.kind);
  if (!sniffed.layout) {
    throw new ImportError(
      "unknown_layout",
      `${file.fileName}, line 1: the columns (${sniffed.header.join(", ")}) do not say whether these are transactions or customers. Choose the kind and the columns on the upload page, or send kind and mapping.`,
      1,
    );
  }
  const spec = LAYOUTS[sniffed.layout];
  const mapping = { ...autoMapping(spec, sniffed.header), ...(options.mapping ? mappingFromNames(spec, sniffed.header, options.mapping, file.fileName) : {}) };
  refuseAmbiguousColumns(spec, sniffed.header, mapping, new Set(Object.keys(options.mapping ?? {})), file.fileName);
  const missing = missingFields(spec, mapping);
  if (missing.length > 0) {
    const labels = missing.map((key) => spec.fields.find((f) => f.key === key)!.label);
    throw new ImportError(
      "unmapped_header",
      `${file.fileName}, line 1: no column for ${labels.join(", ")} (the columns are: ${sniffed.header.join(", ")}). Choose them on the upload page, or send a mapping.`,
      1,
    );
  }
  // Dates and decimals are judged on the columns actually used (the analyst's mapping may differ from the automatic one).
  const formats = detectValueFormats(sniffed.sample, mapping, sniffed.delimiter);
  if (!options.dateOrder && formats.dateOrder === "ambiguous") {
    throw new ImportError(
      "ambiguous_date",
      `${file.fileName}: the dates (such as "${firstDate(sniffed.sample, mapping)}") read both as day/month and as month/day. Say which: dateOrder = "dmy" or "mdy".`,
      2,
    );
  }
  const dateOrder = options.dateOrder ?? (formats.dateOrder === "ambiguous" || formats.dateOrder === null ? "ymd" : formats.dateOrder);
  let table: string;
  let freeze = false;
  if (sniffed.layout === "customers") {
    await client.query("create temp table if not exists import_customers (like customers including defaults) on commit drop");
    await client.query("truncate import_customers");
    if (mode === "replace") await client.query("delete from customers where dataset_id = $1", [datasetId]);
    table = "import_customers";
  } else {
    const target = await lines.target();
    table = target.name;
    freeze = target.fresh;
  }
  // A new table takes the dataset and import ids as column defaults: the rows leave them out.
  const writeIds = !freeze;
  if (!writeIds) await client.query(`alter table ${table} alter column dataset_id set default ${datasetId}, alter column import_id set default ${importId}`);

  const converterInput: ConverterInput = {
    layout: sniffed.layout,
    fileName: file.fileName,
    header: sniffed.header,
    mapping,
    options: { dateOrder, decimalComma: options.decimalComma ?? formats.decimalComma },
    datasetId,
    importId,
    // About as many rows as the file's size over the sniffed rows' average size.
    expectedRows: file.size ? Math.ceil(file.size / Math.max(8, head.length / (sniffed.sample.length + 1))) : undefined,
    writeIds,
  };
  // This thread's converter tells the COPY's columns and the path; the parse thread makes its own to convert.
  const converter = makeConverter({ ...converterInput, expectedRows: undefined });

  let bytes = 0;
  let rowsRead = 0;
  const countBytes = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        return done(new ImportError("file_too_large", `${file.fileName} is larger than the limit of ${formatBytes(maxBytes)}.`, undefined, undefined, 413));
      }
      done(null, chunk);
    },
  });
  // Transactions whose every column is read go the byte path (fast-lines.ts); other files row by row. Either way
  // on a worker thread (parse-thread.ts): this thread only passes the bytes from the upload to the COPY.
  const decimalComma = options.decimalComma ?? formats.decimalComma;
  const bytePath = converter.table === "transaction_lines" && bytePathFits(converter as LineConverter, sniffed, decimalComma);
  if (bytePath) {
    // It copies slashed dates as written: the server reads them in the file's order.
    await client.query(`set local datestyle = '${dateStyle(dateOrder)}'`);
  }
  const parser = await openParser({
    fileName: file.fileName,
    format: { delimiter: sniffed.delimiter, newline: sniffed.newline },
    converter: converterInput,
    bytePath,
    prefix: writeIds ? `${datasetId}\t${importId}\t` : "",
    dateOrder,
    limits: fieldLimits(hooks.maxFieldBytes, sniffed.header),
    nice: hooks.nice ?? backgroundNice(),
  });
  const parse = new ParseStream(parser, (rows) => hooks.onProgress?.({ bytes, rows }));
  const columns = converter.columns.map((c) => `"${c}"`).join(", ");
  // FREEZE: the rows of a table made in this transaction are written frozen (no later VACUUM rewrites them).
  const copy = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN${freeze ? " WITH (FREEZE)" : ""}`));
  try {
    await pipeline(stream, countBytes, parse, copy);
  } catch (error) {
    throw asImportError(error, file.fileName);
  } finally {
    parser.close();
  }
  rowsRead = parse.rows;
  if (!writeIds) await client.query(`alter table ${table} alter column dataset_id drop default, alter column import_id drop default`);
  if (rowsRead === 0) throw new ImportError("no_rows", `${file.fileName} has a header but no rows.`, 2);
  if (copy.rowCount !== rowsRead) {
    throw new ImportError("load_failed", `${file.fileName}: ${rowsRead} rows were read but PostgreSQL stored ${copy.rowCount}.`);
  }
  let rowsLoaded = copy.rowCount;
  if (converter.table === "customers") {
    const upsert = await client.query(
      `insert into customers (dataset_id, import_id, external_id, age, gender, country, city, signup_date, attributes)
       select dataset_id, import_id, external_id, age, gender, country, city, signup_date, attributes from import_customers
       on conflict (dataset_id, external_id) do update set
         import_id = excluded.import_id, age = coalesce(excluded.age, customers.age), gender = coalesce(excluded.gender, customers.gender),
         country = coalesce(excluded.country, customers.country), city = coalesce(excluded.city, customers.city),
         signup_date = coalesce(excluded.signup_date, customers.signup_date), attributes = customers.attributes || excluded.attributes`,
    );
    rowsLoaded = upsert.rowCount ?? 0;
  }
  hooks.onProgress?.({ bytes, rows: rowsRead });
  return {
    importId,
    kind: spec.kind,
    layout: sniffed.layout,
    fileName: file.fileName,
    encoding: sniffed.encoding,
    delimiter: sniffed.delimiter,
    bytes,
    rowsRead,
    rowsLoaded,
    cleaning: parse.cleaning,
    ...(spec.kind === "customers" ? { columns: customerColumnKeys(sniffed.header, mapping) } : {}),
  };
}

/** The first date of the mapped date columns, to show the analyst what is ambiguous. */
function firstDate(rows: string[][], mapping: Mapping): string {
  const index = DATE_FIELDS.map((key) => mapping[key]).find((i) => i !== undefined);
  return (index === undefined ? undefined : rows.find((r) => (r[index] ?? "").trim() !== "")?.[index]) ?? "";
}

export { formatBytes };

function asImportError(error: unknown, fileName: string): ImportError {
  if (error instanceof ImportError) {
    return error.message.startsWith(fileName) ? error : new ImportError(error.code, `${fileName}, ${lowerFirst(error.message)}`, error.line, error.column, error.status);
  }
  const message = describe(error);
  if (/aborted|premature close|ECONNRESET|Unexpected end of form/i.test(message)) {
    return new ImportError("upload_interrupted", `${fileName}: the upload was interrupted before the whole file arrived; nothing was stored.`, undefined, undefined, 400);
  }
  return new ImportError("load_failed", `${fileName}: ${message}`, undefined, undefined, 500);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
