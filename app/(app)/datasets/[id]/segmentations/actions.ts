"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/next";
import { getPool } from "@/lib/db";
import { submitSegmentationForm, type SegmentationFormState } from "@/lib/services/segmentation-form";

/**
 * Runs a segmentation from the form (lib/services/segmentation-form.ts reads
 * it and calls runSegmentation), then opens the run; on a wrong field, answers
 * the message to show next to it.
 */
export async function runSegmentationAction(datasetId: number, _previous: SegmentationFormState, form: FormData): Promise<SegmentationFormState> {
  await requireUser(); // a server action is a public endpoint: it checks the session itself
  let runId: number;
  try {
    const result = await submitSegmentationForm(getPool(), datasetId, form);
    if (!result.ok) return result.state;
    runId = result.runId;
  } catch (error) {
    console.error(error);
    return { errors: {}, message: "Something went wrong on the server. The details are in its log." };
  }
  redirect(`/runs/${runId}`);
}
