import type pg from "pg";
import { membersCsv } from "../queries/runs";

/** A run's members (or one segment's, by name) as a streamed CSV download. */
export function membersCsvResponse(pool: pg.Pool, runId: number, segment: string | undefined): Response {
  const lines = membersCsv(pool, runId, segment);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    // The download was dropped: the cursor's connection goes back to the pool.
    async cancel() {
      await lines.return(undefined);
    },
  });
  const name = `segmentation-${runId}${segment ? `-${segment.replace(/[^A-Za-z0-9]+/g, "-")}` : ""}.csv`;
  return new Response(body, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` } });
}
