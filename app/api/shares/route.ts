import { z } from "zod";
import { publicOrigin } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { route } from "@/lib/http/route";
import { createShare, listShares, sharePath } from "@/lib/services/shares";

// GET /api/shares: every share link of the workspace, with its view count and status (tokens are not kept: no URLs).
export const GET = route({ access: "user" }, async () => ({ shares: await listShares(getPool()) }));

// POST /api/shares { datasetId, segmentationId?, view?, expiresAt?, password?, allowExport? } → 201 { token, url, share }.
export const POST = route({ access: "user", body: z.unknown() }, async ({ request, user, body }) => {
  const { token, share } = await createShare(getPool(), user, body);
  const url = new URL(sharePath(token), publicOrigin(request.headers)).toString();
  return Response.json({ token, url, share }, { status: 201, headers: { "cache-control": "no-store" } });
});
