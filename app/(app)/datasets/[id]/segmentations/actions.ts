"use server";

import { redirect } from "next/navigation";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { submitSegmentationForm, type SegmentationFormState } from "@/lib/services/segmentation-form";

/**
 * Runs a segmentation from the form (lib/services/segmentation-form.ts reads
 * it and calls runSegmentation), then opens the run; on a wrong field, answers
 * the message to show next to it.
 */
export const runSegmentationAction = action(
  { access: "user", failure: ({ message }): SegmentationFormState => ({ errors: {}, message }) },
  async (_, datasetId: number, _previous: SegmentationFormState, form: FormData): Promise<SegmentationFormState> => {
    const result = await submitSegmentationForm(getPool(), datasetId, form);
    if (!result.ok) return result.state;
    redirect(`/runs/${result.runId}`);
  },
);
