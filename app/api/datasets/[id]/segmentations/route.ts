import { z } from "zod";
import { getPool } from "@/lib/db";
import { idOf } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { listRuns, runSegmentation } from "@/lib/services/segmentations";

// GET /api/datasets/{id}/segmentations: the dataset's runs, newest first (lib/queries/sql/segmentation-runs.sql).
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) => ({ runs: await listRuns(getPool(), idOf(params.id, "dataset")) }));

// POST /api/datasets/{id}/segmentations: { method: "rfm" | "kmeans", analysisDate?, bins?, rules?, k?, features?, seed?, cleaning? }
export const POST = route<"user", { id: string }, undefined, z.ZodUnknown>({ access: "user", body: z.unknown() }, async ({ params, body }) => {
  const run = await runSegmentation(getPool(), idOf(params.id, "dataset"), body);
  return Response.json(run, { status: 201, headers: { location: `/api/segmentations/${run.id}` } });
});
