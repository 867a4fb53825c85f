import { authorize } from "@/lib/auth/next";
import { notFound } from "@/lib/http/responses";
import { readProgress, TOKEN } from "@/lib/services/upload-progress";

// GET /api/uploads/{token}: bytes received and rows loaded so far by the upload that sent this token.
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const { token } = await params;
  const progress = TOKEN.test(token) ? readProgress(token) : null;
  return progress ? Response.json(progress, { headers: { "cache-control": "no-store" } }) : notFound("No upload with this token is under way.");
}
