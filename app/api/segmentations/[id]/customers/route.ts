import { z } from "zod";
import { getPool } from "@/lib/db";
import { idOf, notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { listCustomers } from "@/lib/services/customers";

// GET /api/segmentations/{id}/customers?page=1&size=50&sort=monetary&dir=desc&q=123&segment=0&field=frequency&min=2&max=10&after=…
// One page of the run's customers, sorted and filtered on the server: { runId, datasetId, total, page, size, sort, dir, rows }.
// A parameter that does not validate answers 422 naming it (sort must be a column of the table: listCustomers checks them).
export const GET = route<"user", { id: string }, z.ZodRecord<z.ZodString, z.ZodString>>({ access: "user", query: z.record(z.string(), z.string()) }, async ({ params, query }) =>
  (await listCustomers(getPool(), idOf(params.id, "segmentation"), query)) ?? notFound("There is no such segmentation."),
);
