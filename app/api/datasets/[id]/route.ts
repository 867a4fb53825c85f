import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { deleteDatasetAs, getDataset } from "@/lib/services/datasets";

// GET /api/datasets/{id}: figures, cleaning counts and imports of one dataset.
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) => {
  const dataset = await getDataset(getPool(), idOf(params.id, "dataset"));
  if (!dataset) return notFound("There is no such dataset.");
  const { figures, ...rest } = dataset;
  return { ...rest, ...figures };
});

// DELETE /api/datasets/{id}: the dataset and everything loaded into it; its uploader or an admin only (403).
export const DELETE = route<"user", { id: string }>({ access: "user" }, async ({ params, user }) => {
  if (!(await deleteDatasetAs(getPool(), user, idOf(params.id, "dataset")))) return notFound("There is no such dataset.");
  return new Response(null, { status: 204 });
});
