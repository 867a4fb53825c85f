import type pg from "pg";
import { z } from "zod";
import { camelKeys, isoTime, num, rowsOf } from "./rows";
import { sqlFile } from "./sql-file";

/** A segmentation run of a dataset, as listed (lib/queries/sql/segmentation-runs.sql). */
export const RunListItem = z.object({
  id: z.number(),
  method: z.enum(["rfm", "kmeans", "hierarchical"]),
  params: z.record(z.string(), z.unknown()),
  /** Segments with at least one customer. */
  segments: num,
  customers: z.number(),
  durationMs: z.number(),
  createdAt: isoTime,
});
export type RunListItem = z.infer<typeof RunListItem>;

export const segmentationRunsSql = () => sqlFile("segmentation-runs");

/** Every run of the dataset, newest first. Not saved in query_results: a new run changes it without a new data version. */
export async function getSegmentationRuns(pool: pg.Pool, datasetId: number): Promise<RunListItem[]> {
  return rowsOf(pool, z.preprocess(camelKeys, RunListItem), segmentationRunsSql().statement, [datasetId]);
}
