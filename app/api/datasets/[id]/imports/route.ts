import { getPool } from "@/lib/db";
import { idOf } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { receiveUpload } from "@/lib/http/upload";

// POST /api/datasets/{id}/imports: multipart `mode` (append | replace), then `file` (transactions or customers).
export const POST = route<"user", { id: string }>({ access: "user" }, async ({ request, params }) => receiveUpload(getPool(), request, idOf(params.id, "dataset")));
