import type pg from "pg";
import { cached } from "./cache";
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
export async function getSegmentDistributions(pool: pg.Pool, runId: number): Promise<SegmentDistributionRow[]> {
  return cached(pool, { runId }, "segment-distributions", async () => {
    const { rows } = await pool.query(segmentDistributionsSql().statement, [runId]);
    return rows.map((r) => ({
      measure: r.measure,
      segmentNo: r.segment_no,
      bin: r.bin,
      binFrom: Number(r.bin_from),
      binTo: r.bin_to === null ? null : Number(r.bin_to),
      customers: Number(r.customers),
      share: Number(r.share),
    }));
  });
}
