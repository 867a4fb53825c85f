import { getPool } from "@/lib/db";
import { membersCsvResponse } from "@/lib/http/members-csv";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getSegmentation } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/members.csv?segment=…: the members as CSV (viewers only when allowed) (cells a spreadsheet would run as formulas are neutralised).
export const GET = route<"export", { id: string }>({ access: "export" }, async ({ request, params }) => {
  const run = await getSegmentation(getPool(), idOf(params.id, "segmentation"));
  if (!run) return notFound("There is no such segmentation.");
  return membersCsvResponse(getPool(), run.id, new URL(request.url).searchParams.get("segment") ?? undefined);
});
