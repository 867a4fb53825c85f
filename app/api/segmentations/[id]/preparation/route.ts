import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { getRunReadiness } from "@/lib/services/segmentations";

type Params = { params: Promise<{ id: string }> };

// GET /api/segmentations/{id}/preparation: whether the run's pages are ready ({ prepared, done, steps }).
export async function GET(request: Request, { params }: Params) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const readiness = id === null ? null : await getRunReadiness(getPool(), id);
    if (!readiness) return notFound("There is no such segmentation.");
    return Response.json(readiness, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
