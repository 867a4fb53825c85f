import { getPool } from "@/lib/db";
import { notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { listCustomers } from "@/lib/services/customers";
import { ShareView } from "@/lib/services/shares";

// GET /share/{token}/customers?page=&sort=…: the customers table of a shared segment, when its link allows
// customer-level rows. The segment is the link's, whatever the query says, and other runs are not the link's to show.
export const GET = route<"share", { token: string }>({ access: "share" }, async ({ request, share }) => {
  const view = ShareView.parse(share.view);
  if (!share.allowExport || view.page !== "segment" || share.runId === null) return notFound("This link does not show customer rows.");
  const query = { ...Object.fromEntries(new URL(request.url).searchParams), segment: String(view.segmentNo), other_run: undefined, other_segment: undefined };
  return (await listCustomers(getPool(), share.runId, query)) ?? notFound("There is nothing at this address.");
});
