import type pg from "pg";
import { z } from "zod";
import { InputError } from "../errors";
import type { Readable } from "node:stream";
import { loadFiles, type ImportReport, type ImportTarget } from "../ingest/load";
import type { FileKind, Layout } from "../ingest/layouts";
import { SNIFF_BYTES, sniff, type Sniffed } from "../ingest/sniff";
import { preparerFor } from "./preparation";
import { reportProgress, TOKEN } from "./upload-progress";

/** An upload as lib/http/upload.ts reads it from a request: the fields sent before the file, and the file as a stream. */
export interface Upload {
  fields: Record<string, string>;
  fileName: string;
  stream: Readable;
  /** The request's length in bytes, when it says (about the file's size). */
  size?: number;
}

/** The form fields of an upload (sent before the file). */
export const UploadFields = z.object({
  name: z.string().trim().min(1, "must not be empty").max(200).optional(),
  description: z.string().trim().max(2000).optional(),
  mode: z.enum(["append", "replace"]).optional(),
  kind: z.enum(["transactions", "customers", "lines", "purchases"]).optional(),
  mapping: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text === "") return undefined;
      try {
        return z.record(z.string(), z.string().nullable()).parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: "custom", message: 'must be a JSON object of field to column name, e.g. {"customer_id":"Client"}' });
        return z.NEVER;
      }
    }),
  dateOrder: z.enum(["ymd", "mdy", "dmy"]).optional(),
  decimalComma: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
  token: z.string().regex(TOKEN, "must be 8 to 64 letters, digits, - or _").optional(),
});

/**
 * Streams an upload's file into a new dataset (into === "new") or an existing
 * one (its `mode` field: append or replace) and gives the import report. The
 * dataset's preparation (its summaries, then every answer its pages read) is
 * queued as it returns: its progress is in GET /api/datasets/{id}/preparation.
 */
export async function importUpload(
  pool: pg.Pool,
  upload: Upload,
  into: "new" | number,
  maxBytes: number,
  maxFieldBytes?: number,
): Promise<{ datasetId: number; import: ImportReport }> {
  let token: string | undefined;
  try {
    const fields = UploadFields.parse(upload.fields);
    token = fields.token;
    let target: ImportTarget;
    if (into === "new") {
      target = { mode: "create", name: fields.name ?? upload.fileName.replace(/\.[^.]+$/, ""), description: fields.description };
    } else {
      if (!fields.mode) throw new InputError("mode", "must be append or replace");
      target = { mode: fields.mode, datasetId: into };
    }
    const result = await loadFiles(
      pool,
      target,
      [{ fileName: upload.fileName, body: upload.stream, size: upload.size, options: { kind: fields.kind, mapping: fields.mapping, dateOrder: fields.dateOrder, decimalComma: fields.decimalComma } }],
      { maxBytes, maxFieldBytes, onProgress: ({ bytes, rows }) => reportProgress(token, bytes, rows) },
    );
    const report = result.imports[0]!;
    reportProgress(token, report.bytes, report.rowsRead, true);
    void preparerFor(pool).prepareDataset(result.datasetId);
    return { datasetId: result.datasetId, import: report };
  } catch (error) {
    reportProgress(token, 0, 0, true);
    throw error;
  }
}

/** The kinds of file a preview may be told to expect. */
export const PREVIEW_HINTS = ["transactions", "customers", "lines", "purchases"] as const satisfies readonly (Layout | FileKind)[];

/**
 * What Segmenta reads in the first bytes of a file (layout, mapping,
 * delimiter, encoding, dates, the first ten rows), for the upload page's
 * preview. Every sniffed row stays on the server.
 */
export function previewUpload(head: Buffer, fileName: string, complete: boolean, hint?: (typeof PREVIEW_HINTS)[number]): Sniffed {
  const { sample, ...preview } = sniff(head, fileName, complete, hint);
  void sample;
  return preview;
}

export { SNIFF_BYTES };
