import { authorize } from "@/lib/auth/next";
import { errorResponse } from "@/lib/http/responses";
import type { FileKind, Layout } from "@/lib/ingest/layouts";
import { SNIFF_BYTES, sniff, type Sniffed } from "@/lib/ingest/sniff";

const HINTS = new Set(["transactions", "customers", "lines", "purchases"]);

/** Reads at most `limit` bytes of the body and leaves the rest unread. */
async function readHead(request: Request, limit: number): Promise<Buffer> {
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

// POST /api/uploads/preview?fileName=...&complete=true|false&kind=...: the first bytes of a file in the body
// (at most 256 KB are read); answers what Segmenta reads in them (layout, mapping, delimiter, encoding, dates, first rows).
export async function POST(request: Request) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  try {
    const url = new URL(request.url);
    const head = await readHead(request, SNIFF_BYTES);
    const kind = url.searchParams.get("kind") ?? "";
    const hint = HINTS.has(kind) ? (kind as Layout | FileKind) : undefined;
    const { sample, ...preview } = sniff(head, url.searchParams.get("fileName") ?? "upload.csv", url.searchParams.get("complete") === "true", hint);
    void sample; // every sniffed row stays on the server; the page gets the first ten in `preview`
    return Response.json(preview satisfies Sniffed);
  } catch (error) {
    return errorResponse(error);
  }
}
