import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { readJson } from "@/lib/http/json";
import { errorResponse, notFound, parseId } from "@/lib/http/responses";
import { fitLifetimeValue } from "@/lib/services/clv";

// POST /api/datasets/{id}/clv: { analysisDate?, unit?, horizon?, discount?, atRiskBelow?, cleaning? } → BG/NBD, Gamma-Gamma, CLV.
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  if (id === null) return notFound("There is no such dataset.");
  try {
    return Response.json(await fitLifetimeValue(getPool(), id, await readJson(request)));
  } catch (error) {
    return errorResponse(error);
  }
}
