import { z } from "zod";
import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { listMembers } from "@/lib/services/segmentations";

const Query = z.object({
  segment: z.string().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
});

// GET /api/segmentations/{id}/members?segment=…&page=1&pageSize=100: the customers of a run (or of one of its segments), paged.
export const GET = route<"user", { id: string }, typeof Query>({ access: "user", query: Query }, async ({ params, query }) =>
  (await listMembers(getPool(), idOf(params.id, "segmentation"), query)) ?? notFound("There is no such segmentation."),
);
