import { getPool } from "@/lib/db";
import { membersCsvResponse } from "@/lib/http/members-csv";
import { notFound } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { sharedSegmentName, ShareView } from "@/lib/services/shares";

// GET /share/{token}/members.csv?segment=…: members of the shared run (a shared segment: that segment only),
// when the link's creator allowed downloads.
export const GET = route<"share", { token: string }>({ access: "share" }, async ({ request, share }) => {
  const view = ShareView.parse(share.view);
  if (!share.allowExport || share.runId === null || view.page === "overview") return notFound("This link does not allow downloads.");
  const segment = await sharedSegmentName(getPool(), share, new URL(request.url).searchParams.get("segment") ?? undefined);
  if (segment === null) return notFound("There is nothing at this address.");
  return membersCsvResponse(getPool(), share.runId, segment);
});
