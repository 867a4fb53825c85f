import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

export const DISTRIBUTION_MEASURES = ["recency_days", "frequency", "monetary", "p_alive", "clv"] as const;
export type DistributionMeasure = (typeof DISTRIBUTION_MEASURES)[number];

/** One histogram bin of a measure in a segment (or the base: segmentNo null) (lib/queries/sql/segment-distributions.sql). */
export interface SegmentDistributionRow {
  measure: DistributionMeasure;
  segmentNo: number | null;
  bin: number;
  binFrom: number;
  /** Null for the open last bin. */
  binTo: number | null;
  customers: number;
  share: number;
}

export const segmentDistributionsSql = () => sqlFile("segment-distributions");

/** Every segment of a run and the base at once, saved with the run; a page picks its segment's rows. */
export const segmentDistributionsQuery = (pool: pg.Pool, runId: number) => fileQuery<SegmentDistributionRow>(pool, "segment-distributions", runId, ["measure"]);
export const getSegmentDistributions = (pool: pg.Pool, runId: number) => segmentDistributionsQuery(pool, runId).compute();
