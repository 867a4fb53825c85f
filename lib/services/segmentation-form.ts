import type pg from "pg";
import { ZodError } from "zod";
import { InputError, NotFoundError } from "../errors";
import { ClusteringInputError } from "../segmentation/kmeans";
import { RfmInputError } from "../segmentation/rfm";
import { getRunPage } from "./run-page";
import { runSegmentation } from "./segmentations";

/**
 * The dashboard's "new segmentation" form: its fields read into the input of
 * runSegmentation (the same input the HTTP API takes as JSON), and the errors
 * of a run turned into messages next to the field that is wrong, as the API's
 * 422 answers name it. The server action calls submitSegmentationForm.
 *
 * Fields: method; analysisDate (YYYY-MM-DD, empty: the default); bins (RFM);
 * rules (RFM, the rule table as JSON); k ("auto" or a number); features
 * (repeated: purchase features by key, customers-file columns by name); outcome (a column's name); seed; churnModel
 * ("auto" or a model); holdoutFrom (YYYY-MM-DD, empty: the default); cleaning (repeated) with cleaningSent, so that no box
 * ticked means no cleaning rule rather than the default.
 */
export interface SegmentationFormState {
  /** Message per field: "method", "analysisDate", "bins", "rules", "rules.3.recency", "k", "features", "seed", "holdoutFrom", "cleaning". */
  errors: Record<string, string>;
  /** A message about the whole form (no such dataset, a server error). */
  message: string | null;
}

export const EMPTY_FORM_STATE: SegmentationFormState = { errors: {}, message: null };

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};

/** A number from a field, the text itself when it is not one (so validation names it), undefined when empty. */
function numberField(form: FormData, name: string): number | string | undefined {
  const value = text(form, name);
  if (value === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

export class FormFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The run input the form describes; only the fields of the chosen method are read. */
export function readSegmentationForm(form: FormData): Record<string, unknown> {
  const method = text(form, "method");
  const input: Record<string, unknown> = { method };
  const analysisDate = text(form, "analysisDate");
  if (analysisDate) input.analysisDate = analysisDate;
  const churnModel = text(form, "churnModel");
  if (churnModel && churnModel !== "auto") input.churnModel = churnModel;
  const holdoutFrom = text(form, "holdoutFrom");
  if (holdoutFrom) input.holdoutFrom = holdoutFrom;
  if (method === "rfm") {
    // RFM on a customers file alone: the columns holding recency, frequency and spend.
    if (form.has("summaryRecency")) {
      input.summary = { recency: text(form, "summaryRecency"), frequency: form.getAll("summaryFrequency").map(String), monetary: form.getAll("summaryMonetary").map(String) };
    }
    const bins = numberField(form, "bins");
    if (bins !== undefined) input.bins = bins;
    const rules = text(form, "rules");
    if (rules) {
      try {
        input.rules = JSON.parse(rules);
      } catch {
        throw new FormFieldError("rules", "the rule table could not be read; reload the page");
      }
    }
  } else {
    const k = text(form, "k");
    if (k) input.k = k === "auto" ? "auto" : numberField(form, "k");
    input.features = form.getAll("features").map(String);
    const totals = text(form, "totals");
    if (totals && totals !== "[]") {
      try {
        input.totals = JSON.parse(totals);
      } catch {
        throw new FormFieldError("totals", "the totals could not be read; reload the page");
      }
    }
    const seed = numberField(form, "seed");
    if (seed !== undefined) input.seed = seed;
  }
  const outcome = text(form, "outcome");
  if (outcome) input.outcome = outcome;
  if (form.has("cleaningSent")) input.cleaning = form.getAll("cleaning").map(String);
  return input;
}

/** Friendlier words for the validation messages people meet most. */
function zodMessage(field: string, issue: ZodError["issues"][number]): string {
  if (field === "features" && issue.code === "too_small") return "choose at least one feature";
  if (field === "summary.recency") return "choose the column that holds recency";
  if ((field === "summary.frequency" || field === "summary.monetary") && issue.code === "too_small") return `check at least one ${field.slice(8)} column`;
  if (field === "k") return "k must be a whole number from 2 to 20 (or auto for k-means)";
  if (field === "bins" || field.startsWith("bins.")) return "bins must be a whole number from 2 to 10";
  if (field === "seed") return "the seed must be a whole number";
  if (/^rules\.\d+\.(recency|frequency|monetary)(\.\d)?$/.test(field) && issue.code !== "custom") return "scores are whole numbers from 1 to 10";
  if (/^rules\.\d+\.name$/.test(field)) return "every rule needs a name (up to 60 characters)";
  if (field === "rules" && issue.code === "too_small") return "keep at least one rule";
  return issue.message;
}

/** The field a run's error is about, with its message; null for errors that are not the analyst's input. */
export function formErrorOf(error: unknown): { field: string | null; message: string } | null {
  if (error instanceof FormFieldError) return { field: error.field, message: error.message };
  if (error instanceof ZodError) {
    const issue = error.issues[0]!;
    // A score range's own check is about the pair; other issues may point at one of its ends.
    let path = issue.path.map(String);
    if (path[0] === "rules" && path.length === 4) path = path.slice(0, 3);
    const field = path.join(".") || "method";
    return { field, message: zodMessage(field, issue) };
  }
  if (error instanceof RfmInputError) return { field: /bins$/i.test(error.field) ? "bins" : error.field, message: error.message };
  // A feature's place (features.0) is the one features field on the form.
  if (error instanceof ClusteringInputError || error instanceof InputError) return { field: error.field.replace(/^features\.\d+$/, "features"), message: error.message };
  if (error instanceof NotFoundError) return { field: null, message: error.message };
  return null;
}

/**
 * Reads the form and runs the segmentation: the new run's id, or the state to
 * show with field errors. The run page's queries are computed and saved with
 * the run before answering, so the page it opens reads saved rows.
 */
export async function submitSegmentationForm(
  pool: pg.Pool,
  datasetId: number,
  form: FormData,
): Promise<{ ok: true; runId: number } | { ok: false; state: SegmentationFormState }> {
  try {
    const run = await runSegmentation(pool, datasetId, readSegmentationForm(form));
    await getRunPage(pool, run.id);
    return { ok: true, runId: run.id };
  } catch (error) {
    const known = formErrorOf(error);
    if (!known) throw error;
    return { ok: false, state: known.field === null ? { errors: {}, message: known.message } : { errors: { [known.field]: known.message }, message: null } };
  }
}
