import os from "node:os";
import { Transform, type TransformCallback } from "node:stream";
import type { MessagePort } from "node:worker_threads";
import type { CleaningCounts } from "./cleaning";
import { CsvRows, type CsvFormat } from "./csv";
import { Decoder } from "./decode";
import { ImportError } from "./errors";
import { LineCopier } from "./fast-lines";
import type { FieldLimits } from "./pending-record";
import { makeConverter, type ConverterInput, type LineConverter } from "./rows";
import type { DateOrder } from "./values";
import { sourceWorker } from "../compute/source-worker";
import { logLine } from "../log";

/**
 * An upload's parse on a worker thread of its own: the file's chunks go in as
 * they arrive, COPY-ready bytes come back, and the web server's thread only
 * passes them from the socket to PostgreSQL. Decoding, parsing, checking and
 * writing the COPY text of a file (decode.ts, csv.ts or fast-lines.ts,
 * rows.ts) took about one core per upload on the server's thread: under the
 * soak (issue 17 item 11: 50 readers, two UCI uploads at a time, 2 cores) the
 * event loop was held up to 704 ms and the readers' p99 was 3 s.
 *
 * The worker runs at a lower CPU priority (`nice`, SEGMENTA_BACKGROUND_NICE):
 * on Linux a thread's nice value is its own (setpriority(PRIO_PROCESS, 0)
 * sets the calling thread's), so the readers' thread keeps its own. On other
 * systems it would renice the whole process, so it is left alone there.
 *
 * The protocol, one chunk at a time (the stream's backpressure holds): the
 * main thread posts a chunk (copied into a buffer of its own and transferred),
 * the worker answers with that chunk's COPY text (transferred) and the rows
 * read so far, or with the error (an ImportError crosses as its fields and is
 * rebuilt: same message, line and column, same status). `end` answers with
 * the last text and the cleaning counts. The load runs in its transaction as
 * before: an error fails the COPY, and nothing is stored.
 *
 * The worker loads this module from the source tree the server runs in
 * (process.cwd(): `npm start` serves from the repository) through tsx's
 * loader, as lib/compute/off-thread.ts does: Next's bundle has no file a
 * worker could load. When no worker can start (no tsx, no source), the same
 * parse runs on the calling thread.
 */
export interface ParseJob {
  fileName: string;
  format: CsvFormat;
  /** The converter's input (rows.ts): the worker makes its own converter from it. */
  converter: ConverterInput;
  /** The byte path (fast-lines.ts), or the general one (csv.ts, then the converter). */
  bytePath: boolean;
  /** The byte path's start of each row (the dataset and import ids, when the rows carry them). */
  prefix: string;
  dateOrder: DateOrder;
  limits: FieldLimits;
  /** The worker thread's nice value (0: as the process). */
  nice: number;
}

interface Step {
  out: Buffer | undefined;
  rows: number;
}

/** The parse of one file, chunk by chunk, on whichever thread runs it. */
export function chunkParser(job: ParseJob): { write(chunk: Buffer): Step; end(): Step & { cleaning: CleaningCounts | null } } {
  const decoder = new Decoder(job.fileName);
  const converter = makeConverter(job.converter);
  let rows = 0;
  let parse: (text: Buffer | string | null) => Buffer | undefined;
  if (job.bytePath) {
    const copier = new LineCopier(job.format, job.fileName, converter as LineConverter, job.prefix, job.dateOrder, job.limits);
    parse = (text) => {
      const out = text === null ? copier.end() : copier.write(text);
      rows = copier.rows;
      return out;
    };
  } else {
    const reader = new CsvRows(job.format, job.fileName, job.limits);
    let headerSeen = false;
    parse = (text) => {
      const batch = text === null ? reader.end() : reader.write(text);
      if (!batch) return undefined;
      const from = headerSeen ? 0 : 1;
      headerSeen = true;
      const out = converter.convert(batch, from);
      rows += batch.rows.length - from;
      // ASCII in, ASCII out: encoded byte for byte, without UTF-8's checks.
      return out ? Buffer.from(out, batch.bytes ? "latin1" : "utf8") : undefined;
    };
  }
  // As the streams did: decoded text that is empty (an incomplete character) is not parsed.
  const decoded = (chunk: Buffer, final: boolean) => {
    const text = decoder.write(chunk, final);
    return text.length ? parse(text) : undefined;
  };
  return {
    write: (chunk) => ({ out: decoded(chunk, false), rows }),
    end: () => {
      const out = join(decoded(Buffer.alloc(0), true), parse(null));
      return { out, rows, cleaning: converter.cleaning };
    },
  };
}

function join(a: Buffer | undefined, b: Buffer | undefined): Buffer | undefined {
  return a && b ? Buffer.concat([a, b]) : (a ?? b);
}

/** An ImportError (or another error) as it crosses between threads. */
interface CrossedError {
  name: string;
  message: string;
  code?: string;
  line?: number;
  column?: string;
  status?: number;
}

type Reply = { out?: ArrayBuffer; rows: number; cleaning?: CleaningCounts | null } | { error: CrossedError };

function cross(error: unknown): CrossedError {
  if (error instanceof ImportError) return { name: error.name, message: error.message, code: error.code, line: error.line, column: error.column, status: error.status };
  return error instanceof Error ? { name: error.name, message: error.message } : { name: "Error", message: String(error) };
}

function revive(error: CrossedError): Error {
  if (error.name === "ImportError" && error.code) return new ImportError(error.code, error.message, error.line, error.column, error.status);
  return Object.assign(new Error(error.message), { name: error.name });
}

/** A buffer of its own (a chunk may be a view of a larger one), to transfer. */
function own(bytes: Buffer): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

/** Lowers this thread's CPU priority (Linux: the thread's own nice value); false when it cannot. */
export function lowerThisThread(nice: number): boolean {
  if (nice <= 0 || process.platform !== "linux") return false;
  try {
    os.setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}

/** The worker's side: answers each message of `port` with the parse's step (called by SOURCE below). */
export function serveParse(port: MessagePort, job: ParseJob): void {
  lowerThisThread(job.nice);
  const parser = chunkParser(job);
  port.on("message", (message: { chunk: ArrayBuffer } | { end: true }) => {
    let reply: Reply;
    const transfer: ArrayBuffer[] = [];
    try {
      const step: Step & { cleaning?: CleaningCounts | null } = "end" in message ? parser.end() : parser.write(Buffer.from(message.chunk));
      const out = step.out ? own(step.out) : undefined;
      if (out) transfer.push(out);
      reply = { out, rows: step.rows, cleaning: step.cleaning };
    } catch (error) {
      reply = { error: cross(error) };
    }
    port.postMessage(reply, transfer);
  });
  port.postMessage({ ready: true });
}

// The worker's whole program: register tsx, import this module, serve the job.
const SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  let serve;
  try {
    (await import(workerData.tsx)).register();
    serve = (await import(workerData.module)).serveParse;
  } catch (error) {
    parentPort.postMessage({ failed: String((error && error.message) || error) });
    return;
  }
  serve(parentPort, workerData.job);
})();
`;

const MODULE = "lib/ingest/parse-thread.ts";

/** The parse of one file as the load drives it: on a worker thread, or here when none can start. */
export interface FileParser {
  /** True when a worker thread parses (false: this thread). */
  readonly offThread: boolean;
  write(chunk: Buffer): Promise<Step>;
  end(): Promise<Step & { cleaning: CleaningCounts | null }>;
  /** Stops the worker (at the end, or when the load fails). */
  close(): void;
}

/** Starts the parse of one file: on a worker thread, or on this one when no worker can start. */
export async function openParser(job: ParseJob): Promise<FileParser> {
  const worker = await startWorker(job);
  if (worker) return worker;
  if (!saidHere) logLine("uploads are parsed on the server's thread: no worker thread could load lib/ingest/parse-thread.ts");
  saidHere = true;
  return here(job);
}

let saidHere = false;

function here(job: ParseJob): FileParser {
  const parser = chunkParser(job);
  return {
    offThread: false,
    write: async (chunk) => parser.write(chunk),
    end: async () => parser.end(),
    close: () => {},
  };
}

async function startWorker(job: ParseJob): Promise<FileParser | null> {
  const worker = sourceWorker(MODULE, "segmenta-parse", SOURCE, { job });
  if (!worker) return null;
  // Each request waits for its answer (one at a time); a worker that dies fails the one waiting.
  let waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | null = null;
  let dead: Error | null = null;
  const ready = await new Promise<boolean>((resolve) => {
    worker.once("message", (message: { ready?: true; failed?: string }) => resolve(message.ready === true));
    worker.once("error", () => resolve(false));
    worker.once("exit", () => resolve(false));
  });
  if (!ready) {
    void worker.terminate();
    return null;
  }
  worker.on("message", (reply: Reply) => {
    const w = waiting;
    waiting = null;
    w?.resolve(reply);
  });
  const die = (error: Error) => {
    dead ??= error;
    const w = waiting;
    waiting = null;
    w?.reject(dead);
  };
  worker.on("error", die);
  worker.on("exit", (code) => die(new Error(`the upload's parse thread exited (code ${code})`)));
  const ask = (message: object, transfer: ArrayBuffer[] = []): Promise<Reply> => {
    if (dead) return Promise.reject(dead);
    return new Promise<Reply>((resolve, reject) => {
      waiting = { resolve, reject };
      worker.postMessage(message, transfer);
    });
  };
  const step = async (message: object, transfer?: ArrayBuffer[]) => {
    const reply = await ask(message, transfer);
    if ("error" in reply) throw revive(reply.error);
    return { out: reply.out ? Buffer.from(reply.out) : undefined, rows: reply.rows, cleaning: reply.cleaning ?? null };
  };
  return {
    offThread: true,
    write: (chunk) => {
      const bytes = own(chunk);
      return step({ chunk: bytes }, [bytes]);
    },
    end: () => step({ end: true }),
    close: () => {
      dead ??= new Error("the upload's parse thread was closed");
      void worker.terminate();
    },
  };
}

/** A FileParser as a stream: the file's bytes in, COPY text out; `onRows` is told the rows read so far. */
export class ParseStream extends Transform {
  /** Rows read so far (the header excluded). */
  rows = 0;
  /** The cleaning counts (transactions), once the file has ended. */
  cleaning: CleaningCounts | null = null;

  constructor(
    private readonly parser: FileParser,
    private readonly onRows: (rows: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.parser.write(chunk).then((step) => {
      this.rows = step.rows;
      this.onRows(step.rows);
      done(null, step.out);
    }, done);
  }

  override _flush(done: TransformCallback): void {
    this.parser.end().then((step) => {
      this.rows = step.rows;
      this.cleaning = step.cleaning;
      this.onRows(step.rows);
      done(null, step.out);
    }, done);
  }
}
