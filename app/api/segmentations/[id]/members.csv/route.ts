import { getPool } from "@/lib/db";
import { notFound, parseId } from "@/lib/http/responses";
import { getSegmentation, membersCsv } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/members.csv?segment=…: the members as CSV (cells a spreadsheet would run as formulas are neutralised).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id);
  const run = id === null ? null : await getSegmentation(getPool(), id);
  if (!run) return notFound("There is no such segmentation.");
  const segment = new URL(request.url).searchParams.get("segment") ?? undefined;
  const lines = membersCsv(getPool(), run.id, segment);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  const name = `segmentation-${run.id}${segment ? `-${segment.replace(/[^A-Za-z0-9]+/g, "-")}` : ""}.csv`;
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` } });
}
