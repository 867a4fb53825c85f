import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getRunReadiness } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/preparation: whether the run's pages are ready ({ prepared, done, steps }).
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) => {
  const readiness = await getRunReadiness(getPool(), idOf(params.id, "segmentation"));
  if (!readiness) return notFound("There is no such segmentation.");
  return Response.json(readiness, { headers: { "cache-control": "no-store" } });
});
