import type pg from "pg";
import { cached } from "./cache";
import { sqlFile } from "./sql-file";

/** One value of a demographic dimension in a segment (or the base: segmentNo null), against the base (lib/queries/sql/segment-demographics.sql). */
export interface SegmentDemographicRow {
  segmentNo: number | null;
  dimension: "age_band" | "gender" | "country" | "channel";
  value: string;
  customers: number;
  share: number;
  baseShare: number;
  lift: number;
}

export const segmentDemographicsSql = () => sqlFile("segment-demographics");

/** Every segment of a run at once, saved with the run; empty when the dataset has no customers file. */
export async function getSegmentDemographics(pool: pg.Pool, runId: number): Promise<SegmentDemographicRow[]> {
  return cached(pool, { runId }, "segment-demographics", async () => {
    const { rows } = await pool.query(segmentDemographicsSql().statement, [runId]);
    return rows.map((r) => ({
      segmentNo: r.segment_no,
      dimension: r.dimension,
      value: r.value,
      customers: Number(r.customers),
      share: Number(r.share),
      baseShare: Number(r.base_share),
      lift: Number(r.lift),
    }));
  });
}
