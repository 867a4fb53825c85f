import type pg from "pg";
import { z } from "zod";
import { readEnv } from "../env";
import { errorResponse } from "../http/responses";
import { readUpload } from "../http/upload";
import { loadFiles, type ImportTarget } from "../ingest/load";
import { preparerFor } from "./preparation";
import { reportProgress, TOKEN } from "./upload-progress";

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
 * POST /api/datasets (into === "new") and POST /api/datasets/{id}/imports:
 * streams the file into the dataset and answers 201 with the import report.
 * The dataset's preparation (its summaries, then every answer its pages read)
 * is queued as the answer goes: its progress is in GET /api/datasets/{id}/preparation.
 */
export async function receiveUpload(pool: pg.Pool, request: Request, into: "new" | number): Promise<Response> {
  let token: string | undefined;
  try {
    const maxBytes = readEnv().SEGMENTA_UPLOAD_LIMIT;
    const upload = await readUpload(request, maxBytes);
    const fields = UploadFields.parse(upload.fields);
    token = fields.token;
    let target: ImportTarget;
    if (into === "new") {
      target = { mode: "create", name: fields.name ?? upload.fileName.replace(/\.[^.]+$/, ""), description: fields.description };
    } else {
      if (!fields.mode) return Response.json({ error: { code: "invalid_parameter", message: "mode: must be append or replace", field: "mode" } }, { status: 422 });
      target = { mode: fields.mode, datasetId: into };
    }
    const result = await loadFiles(
      pool,
      target,
      [{ fileName: upload.fileName, body: upload.stream, size: upload.size, options: { kind: fields.kind, mapping: fields.mapping, dateOrder: fields.dateOrder, decimalComma: fields.decimalComma } }],
      { maxBytes, onProgress: ({ bytes, rows }) => reportProgress(token, bytes, rows) },
    );
    const report = result.imports[0]!;
    reportProgress(token, report.bytes, report.rowsRead, true);
    void preparerFor(pool).prepareDataset(result.datasetId);
    return Response.json(
      { datasetId: result.datasetId, import: report },
      { status: 201, headers: { location: `/api/datasets/${result.datasetId}` } },
    );
  } catch (error) {
    reportProgress(token, 0, 0, true);
    // Whatever is left of the request body is not read: the connection is closed after the answer.
    return errorResponse(error);
  }
}
