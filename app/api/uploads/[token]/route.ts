import { notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { readProgress, TOKEN } from "@/lib/services/upload-progress";

// GET /api/uploads/{token}: bytes received and rows loaded so far by the upload that sent this token.
export const GET = route<"user", { token: string }>({ access: "user" }, async ({ params }) => {
  const progress = TOKEN.test(params.token) ? readProgress(params.token) : null;
  return progress ? Response.json(progress, { headers: { "cache-control": "no-store" } }) : notFound("No upload with this token is under way.");
});
