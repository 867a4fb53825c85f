import { authorize } from "@/lib/auth/next";

// GET /api/auth/me: who the session cookie or API token belongs to.
export async function GET(request: Request) {
  const user = await authorize(request);
  if (user instanceof Response) return user;
  return Response.json({ user });
}
