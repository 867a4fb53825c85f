import { getPool } from "@/lib/db";
import { cookieValue, isHttps, sameOrigin, serializeCookie, SESSION_COOKIE, sessionCookie } from "@/lib/auth/next";
import { endSession } from "@/lib/services/accounts";

// POST /api/auth/logout: ends the session (the cookie no longer opens anything) and clears the cookie.
export async function POST(request: Request) {
  if (!sameOrigin(request)) return Response.json({ error: { code: "cross_origin", message: "Sign out from Segmenta's own pages." } }, { status: 403 });
  await endSession(getPool(), cookieValue(request, SESSION_COOKIE));
  return new Response(null, { status: 204, headers: { "set-cookie": serializeCookie({ ...sessionCookie("", isHttps(request.headers)), maxAge: 0 }) } });
}
