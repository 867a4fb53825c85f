import { cookies } from "next/headers";
import { getPool } from "@/lib/db";
import { sameOrigin, SESSION_COOKIE } from "@/lib/auth/next";
import { endSession } from "@/lib/services/accounts";

// POST /api/auth/logout: ends the session (the cookie no longer opens anything) and clears the cookie.
export async function POST(request: Request) {
  if (!sameOrigin(request)) return Response.json({ error: { code: "cross_origin", message: "Sign out from Segmenta's own pages." } }, { status: 403 });
  const jar = await cookies();
  await endSession(getPool(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  return new Response(null, { status: 204 });
}
