import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

export const DISTRIBUTION_MEASURES = ["recency_days", "frequency", "monetary", "p_alive", "clv"] as const;
export type DistributionMeasure = (typeof DISTRIBUTION_MEASURES)[number];

/** One histogram bin of a measure in a segment (or the base: segmentNo null) (lib/queries/sql/segment-distributions.sql). */
export const SegmentDistributionRow = z.object({
  measure: z.enum(DISTRIBUTION_MEASURES),
  segmentNo: numOrNull,
  bin: num,
  binFrom: num,
  /** Null for the open last bin. */
  binTo: numOrNull,
  customers: num,
  share: num,
});
export type SegmentDistributionRow = z.infer<typeof SegmentDistributionRow>;

export const segmentDistributionsSql = () => sqlFile("segment-distributions");

/** Every segment of a run and the base at once, saved with the run; a page picks its segment's rows. */
export const segmentDistributionsQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-distributions", runId, SegmentDistributionRow);
export const getSegmentDistributions = (pool: pg.Pool, runId: number) => segmentDistributionsQuery(pool, runId).compute();
