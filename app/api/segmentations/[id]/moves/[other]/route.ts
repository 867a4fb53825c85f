import { getPool } from "@/lib/db";
import { idOf } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { getMoves } from "@/lib/services/segments-over-time";

// GET /api/segmentations/{id}/moves/{other}: where run {id}'s customers are in run {other} of the same dataset
// (segment-migration.sql): { datasetId, datasetName, from, to, flows: [{ fromNo, fromSegment, toNo, toSegment,
// customers, revenue, revenueBefore, revenueSince, boughtAgain }], sameCleaning }. "New" (fromNo null): not in
// run {id}; "Gone" (toNo null): not in run {other}. 422 for runs of two datasets or the same run twice.
export const GET = route<"user", { id: string; other: string }>({ access: "user" }, async ({ params }) => {
  const moves = await getMoves(getPool(), idOf(params.id, "segmentation"), idOf(params.other, "segmentation"), { asked: true });
  if (moves.swap) throw new Error("unreachable: the runs are kept in the order asked");
  return moves.page;
});
