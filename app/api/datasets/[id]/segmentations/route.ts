import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { readJson } from "@/lib/http/json";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { getSegmentationRuns } from "@/lib/queries/segmentation-runs";
import { runSegmentation } from "@/lib/services/segmentations";

// GET /api/datasets/{id}/segmentations: the dataset's runs, newest first (lib/queries/sql/segmentation-runs.sql).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  if (id === null) return notFound("There is no such dataset.");
  try {
    const { rows } = await getPool().query("select 1 from datasets where id = $1", [id]);
    if (!rows.length) return notFound("There is no such dataset.");
    return Response.json({ runs: await getSegmentationRuns(getPool(), id) });
  } catch (error) {
    return errorResponse(error);
  }
}

// POST /api/datasets/{id}/segmentations: { method: "rfm" | "kmeans", analysisDate?, bins?, rules?, k?, features?, seed?, cleaning? }
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  if (id === null) return notFound("There is no such dataset.");
  try {
    const run = await runSegmentation(getPool(), id, await readJson(request));
    return Response.json(run, { status: 201, headers: { location: `/api/segmentations/${run.id}` } });
  } catch (error) {
    return errorResponse(error);
  }
}
