import { authorize } from "@/lib/auth/next";
import { z } from "zod";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { listMembers } from "@/lib/services/segmentations";

const Query = z.object({
  segment: z.string().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
});

// GET /api/segmentations/{id}/members?segment=…&page=1&pageSize=100: the customers of a run (or of one of its segments), paged.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const page = id === null ? null : await listMembers(getPool(), id, query);
    return page ? Response.json(page) : notFound("There is no such segmentation.");
  } catch (error) {
    return errorResponse(error);
  }
}
