import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import { ImportError } from "../ingest/errors";
import { formatBytes } from "../ingest/load";
import { readEnv } from "../env";
import { importUpload, type Upload } from "../services/uploads";
import type pg from "pg";

/**
 * Reads an upload from a route handler's Request without buffering it: the
 * fields sent before the file, and the file as a stream. Accepts
 * multipart/form-data (field `file`; send the other fields first) and a raw
 * text/csv body (fields then come from the query string).
 */
const NOT_CSV = /\.(xlsx|xlsm|xls|ods|numbers|pdf|zip|gz|json|parquet|docx?)$/i;
const TEXT_TYPES = /^(text\/(csv|plain|tab-separated-values)|application\/(csv|vnd\.ms-excel|octet-stream))\b/i;

export function readUpload(request: Request, maxBytes: number): Promise<Upload> {
  const contentType = request.headers.get("content-type") ?? "";
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (length > maxBytes + 64 * 1024) throw tooLarge("The upload", maxBytes);
  if (!request.body) throw new ImportError("no_file", "The request has no body: send the file in a multipart field named file.", undefined, undefined, 400);
  const body = Readable.fromWeb(request.body as unknown as NodeWebStream<Uint8Array>);

  if (TEXT_TYPES.test(contentType)) {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const fileName = query.fileName ?? "upload.csv";
    refuseByName(fileName);
    return Promise.resolve({ fields: query, fileName, stream: body, size: Number.isFinite(length) ? length : undefined });
  }
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new ImportError(
      "unsupported_media_type",
      `Send the file as multipart/form-data (field "file") or as text/csv, not as ${contentType || "a body without a content type"}.`,
      undefined,
      undefined,
      415,
    );
  }

  return new Promise<Upload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let settled = false;
    const fail = (error: Error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    };
    const parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fileSize: maxBytes + 1, fieldSize: 1024 * 1024 } });
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || settled) {
        stream.resume();
        return;
      }
      const fileName = info.filename || "upload.csv";
      try {
        refuseByName(fileName);
      } catch (error) {
        stream.resume();
        return fail(error as Error);
      }
      settled = true;
      // Past the limit busboy stops the file; the load counts maxBytes + 1 bytes and answers 413.
      // An upload cut short (client gone, broken form) must fail the load, not end it early.
      parser.once("error", (error: Error) => stream.destroy(error));
      body.once("error", (error: Error) => stream.destroy(error));
      resolve({ fields, fileName, stream, size: Number.isFinite(length) ? length : undefined });
    });
    parser.on("close", () => fail(new ImportError("no_file", "The form has no file: send it in a field named file, after the other fields.", undefined, undefined, 400)));
    parser.on("error", (error: Error) => fail(new ImportError("bad_form", `The upload could not be read: ${error.message}.`, undefined, undefined, 400)));
    body.on("error", (error: Error) => {
      fail(error);
      parser.destroy(error);
    });
    body.pipe(parser);
  });
}

function refuseByName(fileName: string): void {
  if (NOT_CSV.test(fileName)) {
    throw new ImportError(
      "unsupported_file_type",
      `${fileName} is not a CSV file. Export it as CSV (comma, semicolon, tab or pipe separated) and upload that.`,
      undefined,
      undefined,
      415,
    );
  }
}

function tooLarge(what: string, maxBytes: number): ImportError {
  return new ImportError("file_too_large", `${what} is larger than the limit of ${formatBytes(maxBytes)}.`, undefined, undefined, 413);
}

/**
 * POST /api/datasets (into === "new") and POST /api/datasets/{id}/imports:
 * streams the file into the dataset (lib/services/uploads.ts) and answers 201
 * with the import report. Errors are thrown to the route wrapper.
 */
export async function receiveUpload(pool: pg.Pool, request: Request, into: "new" | number): Promise<Response> {
  const env = readEnv();
  const maxBytes = env.SEGMENTA_UPLOAD_LIMIT;
  const result = await importUpload(pool, await readUpload(request, maxBytes), into, maxBytes, env.SEGMENTA_MAX_FIELD_BYTES);
  return Response.json(result, { status: 201, headers: { location: `/api/datasets/${result.datasetId}` } });
}

/** Reads at most `limit` bytes of a request's body and leaves the rest unread (POST /api/uploads/preview). */
export async function readHead(request: Request, limit: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, limit);
}
