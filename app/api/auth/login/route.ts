import { cookies } from "next/headers";
import { z } from "zod";
import { clientAddress, isHttps, sessionCookie } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { problemResponse } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { authenticate, createSession } from "@/lib/services/accounts";

// POST /api/auth/login { email, password }: sets the session cookie. 401 on a wrong pair; 429 after repeated failures.
export const POST = route({ access: "public", body: z.unknown() }, async ({ request, body }) => {
  const user = await authenticate(getPool(), body, clientAddress(request.headers));
  if (!user) return problemResponse({ status: 401, code: "invalid_credentials", message: "The email or the password is wrong." });
  const { token, expiresAt } = await createSession(getPool(), user.id);
  (await cookies()).set(sessionCookie(token, isHttps(request.headers)));
  return Response.json({ user, expiresAt: expiresAt.toISOString() }, { headers: { "cache-control": "no-store" } });
});
