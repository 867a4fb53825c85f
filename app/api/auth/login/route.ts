import { getPool } from "@/lib/db";
import { cookies } from "next/headers";
import { clientAddress, isHttps, sameOrigin, sessionCookie } from "@/lib/auth/next";
import { readJson } from "@/lib/http/json";
import { errorResponse } from "@/lib/http/responses";
import { authenticate, createSession } from "@/lib/services/accounts";
import { ThrottledError } from "@/lib/services/throttle";

// POST /api/auth/login { email, password }: sets the session cookie. 401 on a wrong pair; 429 after repeated failures.
export async function POST(request: Request) {
  if (!sameOrigin(request)) return Response.json({ error: { code: "cross_origin", message: "Sign in from Segmenta's own pages." } }, { status: 403 });
  try {
    const body = await readJson(request);
    const user = await authenticate(getPool(), body as { email: string; password: string }, clientAddress(request.headers));
    if (!user) return Response.json({ error: { code: "invalid_credentials", message: "The email or the password is wrong." } }, { status: 401 });
    const { token, expiresAt } = await createSession(getPool(), user.id);
    (await cookies()).set(sessionCookie(token, isHttps(request.headers)));
    return Response.json({ user, expiresAt: expiresAt.toISOString() }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof ThrottledError) {
      return Response.json({ error: { code: "too_many_attempts", message: error.message } }, { status: 429, headers: { "retry-after": String(error.retryAfterSeconds) } });
    }
    return errorResponse(error);
  }
}
