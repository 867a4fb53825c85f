import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { getDatasetReadiness } from "@/lib/services/datasets";

type Params = { params: Promise<{ id: string }> };

// GET /api/datasets/{id}/preparation: how far the preparation after the last load got ({ dataVersion, prepared, done, preparation }).
export async function GET(request: Request, { params }: Params) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const readiness = id === null ? null : await getDatasetReadiness(getPool(), id);
    if (!readiness) return notFound("There is no such dataset.");
    return Response.json(readiness, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
