import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { compareRuns } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/compare/{other}: crosstab and adjusted Rand index of two runs of one dataset.
export async function GET(request: Request, { params }: { params: Promise<{ id: string; other: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const { id, other } = await params;
  const [a, b] = [parseId(id), parseId(other)];
  if (a === null || b === null) return notFound("There is no such segmentation.");
  try {
    return Response.json(await compareRuns(getPool(), a, b));
  } catch (error) {
    return errorResponse(error);
  }
}
