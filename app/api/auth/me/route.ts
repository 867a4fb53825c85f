import { route } from "@/lib/http/route";

// GET /api/auth/me: who the session cookie or API token belongs to.
export const GET = route({ access: "user" }, async ({ user }) => ({ user }));
