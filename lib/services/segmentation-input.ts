import { z } from "zod";
import { RULE_KEYS } from "../ingest/cleaning";

/**
 * What a segmentation run takes: the JSON body of POST /api/datasets/{id}/segmentations and what the
 * dashboard's form reads into (segmentation-form.ts). Checked here; what depends on the data (a column's
 * name, whether the dataset has purchases) is checked by the run (run-population.ts).
 */
const scoreRange = z
  .tuple([z.number().int().min(1).max(10), z.number().int().min(1).max(10)])
  .refine(([lo, hi]) => lo <= hi, "the lower score must not exceed the upper one");
const binsField = z.union([z.number().int().min(2).max(10), z.array(z.number()).min(1).max(9)]);

export const SegmentationInput = z.object({
  method: z.enum(["rfm", "kmeans", "hierarchical"]),
  /** YYYY-MM-DD; default: the day after the dataset's last invoice. */
  analysisDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD").optional(),
  /** RFM: bins for all three scores, or per score (a count or breakpoints). */
  bins: z.union([binsField, z.object({ recency: binsField, frequency: binsField, monetary: binsField }).partial()]).optional(),
  /** RFM: the ordered rule table; default: the standard segments. */
  rules: z.array(z.object({ name: z.string().trim().min(1).max(60), recency: scoreRange, frequency: scoreRange, monetary: scoreRange })).min(1).max(40).optional(),
  k: z.union([z.number().int().min(2).max(20), z.literal("auto")]).optional(),
  /**
   * k-means and hierarchical: what to cluster on: the purchase features (FEATURE_KEYS) and any column of the
   * customers file, named as written in its header ("Annual Income (k$)").
   */
  features: z.array(z.string().trim().min(1).max(200)).min(1).max(60).refine((f) => new Set(f).size === f.length, "a feature is named twice").optional(),
  /**
   * Totals of several number columns of the customers file, each usable in `features` by its name
   * ({ name: "Total spend", sum: ["MntWines", "MntFruits", …] }).
   */
  totals: z
    .array(z.object({ name: z.string().trim().min(1).max(100), sum: z.array(z.string().trim().min(1).max(200)).min(2).max(30) }))
    .max(10)
    .optional(),
  /** A yes/no or category column of the customers file (Churn) whose rate each segment shows. */
  outcome: z.string().trim().min(1).max(200).optional(),
  /**
   * RFM on a customers file alone: its columns holding recency (days, or the last purchase's date), frequency and
   * spend (one column, or several summed), named as in its header.
   */
  summary: z
    .object({
      recency: z.string().trim().min(1).max(200),
      frequency: z.union([z.string().trim().min(1).max(200), z.array(z.string().trim().min(1).max(200)).min(1).max(30)]),
      monetary: z.union([z.string().trim().min(1).max(200), z.array(z.string().trim().min(1).max(200)).min(1).max(30)]),
    })
    .optional(),
  /** Weight of a category's one-hot columns against standardised numbers (default 1: lib/segmentation/feature-matrix.ts). */
  categoryWeight: z.number().min(0).max(10).optional(),
  seed: z.number().int().optional(),
  /** The churn model behind P(alive), expected purchases and CLV: one of the three, or the lowest holdout error (default). */
  churnModel: z.enum(["auto", "bgnbd", "mbgnbd", "paretonbd"]).optional(),
  /** The holdout's first day for the churn check (YYYY-MM-DD; default: the last quarter of the period held out). */
  holdoutFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD").optional(),
  /** Cleaning rules that leave lines out of this run (default: all of them). */
  cleaning: z.array(z.enum(RULE_KEYS)).optional(),
});
export type SegmentationInput = z.infer<typeof SegmentationInput>;
