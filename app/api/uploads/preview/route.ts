import { z } from "zod";
import { readHead } from "@/lib/http/upload";
import { route } from "@/lib/http/route";
import { PREVIEW_HINTS, previewUpload, SNIFF_BYTES } from "@/lib/services/uploads";

const Query = z.object({
  fileName: z.string().default("upload.csv"),
  complete: z.string().optional(),
  // A hint of what the file holds; anything else is no hint.
  kind: z.enum(PREVIEW_HINTS).optional().catch(undefined),
});

// POST /api/uploads/preview?fileName=...&complete=true|false&kind=...: the first bytes of a file in the body
// (at most 256 KB are read); answers what Segmenta reads in them (layout, mapping, delimiter, encoding, dates, first rows).
export const POST = route({ access: "user", query: Query }, async ({ request, query }) =>
  previewUpload(await readHead(request, SNIFF_BYTES), query.fileName, query.complete === "true", query.kind),
);
