import { authorize, publicOrigin } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { readJson } from "@/lib/http/json";
import { errorResponse } from "@/lib/http/responses";
import { createShare, listShares, sharePath } from "@/lib/services/shares";

// GET /api/shares: every share link of the workspace, with its view count and status (tokens are not kept: no URLs).
export async function GET(request: Request) {
  const user = await authorize(request);
  if (user instanceof Response) return user;
  try {
    return Response.json({ shares: await listShares(getPool()) });
  } catch (error) {
    return errorResponse(error);
  }
}

// POST /api/shares { datasetId, segmentationId?, view?, expiresAt?, password?, allowExport? } → 201 { token, url, share }.
export async function POST(request: Request) {
  const user = await authorize(request);
  if (user instanceof Response) return user;
  try {
    const { token, share } = await createShare(getPool(), user, await readJson(request));
    const url = new URL(sharePath(token), publicOrigin(request.headers)).toString();
    return Response.json({ token, url, share }, { status: 201, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
