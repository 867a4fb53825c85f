import { authorize } from "@/lib/auth/next";
import { getPool, getPrisma } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { runReport } from "@/lib/services/insights";

// GET /runs/{id}/report.md: the run's insights, segment table and queries as a Markdown file.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  try {
    const id = parseId((await params).id);
    if (id === null) return notFound("There is no such segmentation.");
    const run = await getPrisma().segmentationRun.findUnique({ where: { id }, select: { dataset: { select: { name: true } } } });
    if (!run) return notFound("There is no such segmentation.");
    const report = await runReport(getPool(), id, run.dataset.name);
    if (report === null) return notFound("There is no such segmentation.");
    return new Response(report, {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        "content-disposition": `attachment; filename="segmenta-run-${id}.md"`,
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
