import type pg from "pg";
import { cached } from "./cache";
import { sqlFile } from "./sql-file";

/** A country where a segment (or the base: segmentNo null) buys (lib/queries/sql/segment-countries.sql). */
export interface SegmentCountryRow {
  segmentNo: number | null;
  rank: number;
  country: string;
  revenue: number;
  orders: number;
  customers: number;
  share: number | null;
  baseShare: number | null;
  lift: number | null;
}

export const segmentCountriesSql = () => sqlFile("segment-countries");

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Every segment of a run at once, saved with the run. */
export async function getSegmentCountries(pool: pg.Pool, runId: number): Promise<SegmentCountryRow[]> {
  return cached(pool, { runId }, "segment-countries", async () => {
    const { rows } = await pool.query(segmentCountriesSql().statement, [runId]);
    return rows.map((r) => ({
      segmentNo: r.segment_no,
      rank: Number(r.rank),
      country: r.country,
      revenue: Number(r.revenue),
      orders: Number(r.orders),
      customers: Number(r.customers),
      share: num(r.share),
      baseShare: num(r.base_share),
      lift: num(r.lift),
    }));
  });
}
