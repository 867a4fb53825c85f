import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { membersCsvResponse } from "@/lib/http/members-csv";
import { notFound, parseId } from "@/lib/http/responses";
import { getSegmentation } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/members.csv?segment=…: the members as CSV (cells a spreadsheet would run as formulas are neutralised).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  const run = id === null ? null : await getSegmentation(getPool(), id);
  if (!run) return notFound("There is no such segmentation.");
  return membersCsvResponse(getPool(), run.id, new URL(request.url).searchParams.get("segment") ?? undefined);
}
