import { getPool } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listDatasets } from "@/lib/services/datasets";
import { receiveUpload } from "@/lib/http/upload";

// GET /api/datasets: every dataset with its headline figures.
export const GET = route({ access: "user" }, async () => ({ datasets: await listDatasets(getPool()) }));

// POST /api/datasets: multipart `name?`, then `file`; creates a dataset from the file.
export const POST = route({ access: "user" }, async ({ request }) => receiveUpload(getPool(), request, "new"));
