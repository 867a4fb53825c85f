import { getPool } from "@/lib/db";
import { notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { revokeShare } from "@/lib/services/shares";

// DELETE /api/shares/{token}: revokes the link at once (its page and data requests answer 404 from then on); its maker or an admin only (403).
export const DELETE = route<"user", { token: string }>({ access: "user" }, async ({ params, user }) =>
  (await revokeShare(getPool(), user, { token: params.token })) ? new Response(null, { status: 204 }) : notFound("There is no live share link with this token."),
);
