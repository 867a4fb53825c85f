import { authorize } from "@/lib/auth/next";
import { getPool, getPrisma } from "@/lib/db";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { deleteDataset, getDataset } from "@/lib/services/datasets";

type Params = { params: Promise<{ id: string }> };

// GET /api/datasets/{id}: figures, cleaning counts and imports of one dataset.
export async function GET(request: Request, { params }: Params) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    const dataset = id === null ? null : await getDataset({ prisma: getPrisma(), pool: getPool() }, id);
    if (!dataset) return notFound("There is no such dataset.");
    const { figures, ...rest } = dataset;
    return Response.json({ ...rest, ...figures });
  } catch (error) {
    return errorResponse(error);
  }
}

// DELETE /api/datasets/{id}: the dataset and everything loaded into it.
export async function DELETE(request: Request, { params }: Params) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  try {
    if (id === null || !(await deleteDataset(getPool(), id))) return notFound("There is no such dataset.");
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
