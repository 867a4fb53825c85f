import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getSegmentation } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}: the run with its parameters, metrics and segments.
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) =>
  (await getSegmentation(getPool(), idOf(params.id, "segmentation"))) ?? notFound("There is no such segmentation."),
);
