import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { runReport } from "@/lib/services/insights";

// GET /runs/{id}/report.md: the run's insights, segment table and queries as a Markdown file.
export const GET = route<"export", { id: string }>({ access: "export" }, async ({ params }) => {
  const id = idOf(params.id, "segmentation");
  const report = await runReport(getPool(), id);
  if (report === null) return notFound("There is no such segmentation.");
  return new Response(report, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="segmenta-run-${id}.md"`,
    },
  });
});
