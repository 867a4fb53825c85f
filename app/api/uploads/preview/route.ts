import { z } from "zod";
import { route } from "@/lib/http/route";
import type { FileKind, Layout } from "@/lib/ingest/layouts";
import { SNIFF_BYTES, sniff, type Sniffed } from "@/lib/ingest/sniff";

const Query = z.object({
  fileName: z.string().default("upload.csv"),
  complete: z.string().optional(),
  // A hint of what the file holds; anything else is no hint.
  kind: z.enum(["transactions", "customers", "lines", "purchases"] satisfies (Layout | FileKind)[]).optional().catch(undefined),
});

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
export const POST = route({ access: "user", query: Query }, async ({ request, query }) => {
  const head = await readHead(request, SNIFF_BYTES);
  const { sample, ...preview } = sniff(head, query.fileName, query.complete === "true", query.kind);
  void sample; // every sniffed row stays on the server; the page gets the first ten in `preview`
  return preview satisfies Sniffed;
});
