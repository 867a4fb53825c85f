import { authorize } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { notFound, parseId } from "@/lib/http/responses";
import { receiveUpload } from "@/lib/services/uploads";

// POST /api/datasets/{id}/imports: multipart `mode` (append | replace), then `file` (transactions or customers).
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorize(request);
  if (auth instanceof Response) return auth;
  const id = parseId((await params).id);
  if (id === null) return notFound("There is no such dataset.");
  return receiveUpload(getPool(), request, id);
}
