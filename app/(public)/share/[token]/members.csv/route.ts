import { requestShare } from "@/lib/auth/share-access";
import { getPool } from "@/lib/db";
import { membersCsvResponse } from "@/lib/http/members-csv";
import { notFound } from "@/lib/http/responses";
import { ShareView } from "@/lib/services/shares";

// GET /share/{token}/members.csv?segment=…: members of the shared run (a shared segment: that segment only),
// when the link's creator allowed downloads.
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const share = await requestShare(request, (await params).token);
  if (share instanceof Response) return share;
  const view = ShareView.parse(share.view);
  if (!share.allowExport || share.runId === null || view.page === "overview") return notFound("This link does not allow downloads.");
  let segment = new URL(request.url).searchParams.get("segment") ?? undefined;
  if (view.page === "segment") {
    const { rows } = await getPool().query<{ name: string }>("select name from segments where run_id = $1 and segment_no = $2", [share.runId, view.segmentNo]);
    segment = rows[0]?.name;
    if (segment === undefined) return notFound("There is nothing at this address.");
  }
  return membersCsvResponse(getPool(), share.runId, segment);
}
