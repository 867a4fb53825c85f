import { authorize } from "@/lib/auth/next";
import { getPool, getPrisma } from "@/lib/db";
import { errorResponse } from "@/lib/http/responses";
import { listDatasets } from "@/lib/services/datasets";
import { receiveUpload } from "@/lib/services/uploads";

// GET /api/datasets: every dataset with its headline figures.
export async function GET(request: Request) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  try {
    return Response.json({ datasets: await listDatasets({ prisma: getPrisma(), pool: getPool() }) });
  } catch (error) {
    return errorResponse(error);
  }
}

// POST /api/datasets: multipart `name?`, then `file`; creates a dataset from the file.
export async function POST(request: Request) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  return receiveUpload(getPool(), request, "new");
}
