"use server";

import { redirect } from "next/navigation";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { movesHref, rerunAtDate } from "@/lib/services/segments-over-time";

export interface RerunState {
  message: string | null;
}

/**
 * "Run again at another date": the same segmentation at the date the form
 * gives (lib/services/segments-over-time.ts), then the moves between the two
 * runs, the earlier one's segments as rows.
 */
export const rerunAtDateAction = action(
  { access: "user", failure: ({ message }): RerunState => ({ message }) },
  async (_, runId: number, _previous: RerunState, form: FormData): Promise<RerunState> => {
    const date = form.get("analysisDate");
    const { earlier, later } = await rerunAtDate(getPool(), runId, typeof date === "string" ? date.trim() : "");
    redirect(movesHref(earlier, later));
  },
);
