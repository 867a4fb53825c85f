import { getPool } from "@/lib/db";
import { route } from "@/lib/http/route";
import { listDatasets, recordUploader } from "@/lib/services/datasets";
import { receiveUpload } from "@/lib/http/upload";

// GET /api/datasets: every dataset with its headline figures.
export const GET = route({ access: "user" }, async () => ({ datasets: await listDatasets(getPool()) }));

// POST /api/datasets: multipart `name?`, then `file`; creates a dataset from the file (its uploader may delete it).
export const POST = route({ access: "user" }, async ({ request, user }) => {
  const response = await receiveUpload(getPool(), request, "new");
  const { datasetId } = (await response.clone().json()) as { datasetId: number };
  await recordUploader(getPool(), datasetId, user);
  return response;
});
