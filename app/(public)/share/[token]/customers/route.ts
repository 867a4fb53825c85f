import { requestShare } from "@/lib/auth/share-access";
import { getPool } from "@/lib/db";
import { errorResponse, notFound } from "@/lib/http/responses";
import { listCustomers } from "@/lib/services/customers";
import { ShareView } from "@/lib/services/shares";

// GET /share/{token}/customers?page=&sort=…: the customers table of a shared segment, when its link allows
// customer-level rows. The segment is the link's, whatever the query says.
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const share = await requestShare(request, (await params).token);
  if (share instanceof Response) return share;
  const view = ShareView.parse(share.view);
  if (!share.allowExport || view.page !== "segment" || share.runId === null) return notFound("This link does not show customer rows.");
  try {
    const query = { ...Object.fromEntries(new URL(request.url).searchParams), segment: String(view.segmentNo) };
    const page = await listCustomers(getPool(), share.runId, query);
    return page ? Response.json(page) : notFound("There is nothing at this address.");
  } catch (error) {
    return errorResponse(error);
  }
}
