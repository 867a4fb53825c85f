import { errorResponse } from "@/lib/http/responses";
import { SNIFF_BYTES, sniff } from "@/lib/ingest/sniff";

// POST /api/uploads/preview?fileName=...&complete=true|false&kind=...: the first bytes of a file in the body;
// answers what Segmenta reads in them (layout, mapping, delimiter, encoding, dates, the first rows).
export async function POST(request: Request) {
  try {
    const url = new URL(request.url);
    const head = Buffer.from(await request.arrayBuffer()).subarray(0, SNIFF_BYTES);
    const kind = url.searchParams.get("kind");
    const hint = kind === "transactions" || kind === "customers" || kind === "lines" || kind === "purchases" ? kind : undefined;
    return Response.json(sniff(head, url.searchParams.get("fileName") ?? "upload.csv", url.searchParams.get("complete") === "true", hint));
  } catch (error) {
    return errorResponse(error);
  }
}
