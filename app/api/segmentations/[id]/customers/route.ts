import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { listCustomers } from "@/lib/services/customers";

// GET /api/segmentations/{id}/customers?page=1&size=50&sort=monetary&dir=desc&q=123&segment=0&field=frequency&min=2&max=10&after=…
// One page of the run's customers, sorted and filtered on the server: { runId, datasetId, total, page, size, sort, dir, rows }.
// A parameter that does not validate answers 422 naming it (sort must be a column of the table).
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const page = id === null ? null : await listCustomers(getPool(), id, query);
    return page ? Response.json(page) : notFound("There is no such segmentation.");
  } catch (error) {
    return errorResponse(error);
  }
}
