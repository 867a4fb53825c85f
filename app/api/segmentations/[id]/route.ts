import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { getSegmentation } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}: the run with its parameters, metrics and segments.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const run = id === null ? null : await getSegmentation(getPool(), id);
    return run ? Response.json(run) : notFound("There is no such segmentation.");
  } catch (error) {
    return errorResponse(error);
  }
}
