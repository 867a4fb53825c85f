import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getDatasetReadiness } from "@/lib/services/datasets";

// GET /api/datasets/{id}/preparation: how far the preparation after the last load got ({ dataVersion, prepared, done, preparation }).
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) => {
  const readiness = await getDatasetReadiness(getPool(), idOf(params.id, "dataset"));
  if (!readiness) return notFound("There is no such dataset.");
  return Response.json(readiness, { headers: { "cache-control": "no-store" } });
});
