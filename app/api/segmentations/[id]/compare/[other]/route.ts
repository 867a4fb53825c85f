import { getPool } from "@/lib/db";
import { idOf } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { compareRuns } from "@/lib/services/segmentations";

// GET /api/segmentations/{id}/compare/{other}: crosstab and adjusted Rand index of two runs of one dataset.
export const GET = route<"user", { id: string; other: string }>({ access: "user" }, async ({ params }) =>
  compareRuns(getPool(), idOf(params.id, "segmentation"), idOf(params.other, "segmentation")),
);
