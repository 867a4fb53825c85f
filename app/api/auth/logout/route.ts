import { cookies } from "next/headers";
import { SESSION_COOKIE } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { route } from "@/lib/http/route";
import { endSession } from "@/lib/services/accounts";

// POST /api/auth/logout: ends the session (the cookie no longer opens anything) and clears the cookie.
export const POST = route({ access: "public" }, async () => {
  const jar = await cookies();
  await endSession(getPool(), jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  return new Response(null, { status: 204 });
});
