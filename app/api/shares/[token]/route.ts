import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { notFound } from "@/lib/http/responses";
import { revokeShare } from "@/lib/services/shares";

// DELETE /api/shares/{token}: revokes the link at once (its page and data requests answer 404 from then on).
export async function DELETE(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const user = await authorize(request);
  if (user instanceof Response) return user;
  const revoked = await revokeShare(getPool(), { token: (await params).token });
  return revoked ? new Response(null, { status: 204 }) : notFound("There is no live share link with this token.");
}
