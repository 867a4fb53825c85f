import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { deleteDataset, getDataset } from "@/lib/services/datasets";

// GET /api/datasets/{id}: figures, cleaning counts and imports of one dataset.
export const GET = route<"user", { id: string }>({ access: "user" }, async ({ params }) => {
  const dataset = await getDataset(getPool(), idOf(params.id, "dataset"));
  if (!dataset) return notFound("There is no such dataset.");
  const { figures, ...rest } = dataset;
  return { ...rest, ...figures };
});

// DELETE /api/datasets/{id}: the dataset and everything loaded into it.
export const DELETE = route<"user", { id: string }>({ access: "user" }, async ({ params }) => {
  if (!(await deleteDataset(getPool(), idOf(params.id, "dataset")))) return notFound("There is no such dataset.");
  return new Response(null, { status: 204 });
});
