import type pg from "pg";
import { cached } from "./cache";
import { sqlFile } from "./sql-file";

/** One of a segment's (or the base's: segmentNo null) ten best-selling products (lib/queries/sql/segment-top-products.sql). */
export interface SegmentTopProductRow {
  segmentNo: number | null;
  rank: number;
  stockCode: string;
  description: string | null;
  revenue: number;
  quantity: number;
  customers: number;
  /** Share of the segment's product revenue. */
  share: number | null;
  baseShare: number | null;
  lift: number | null;
  segmentRevenue: number;
}

export const segmentTopProductsSql = () => sqlFile("segment-top-products");

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Every segment of a run at once (one pass over the dataset's lines), saved with the run. */
export async function getSegmentTopProducts(pool: pg.Pool, runId: number): Promise<SegmentTopProductRow[]> {
  return cached(pool, { runId }, "segment-top-products", async () => {
    const { rows } = await pool.query(segmentTopProductsSql().statement, [runId]);
    return rows.map((r) => ({
      segmentNo: r.segment_no,
      rank: Number(r.rank),
      stockCode: r.stock_code,
      description: r.description,
      revenue: Number(r.revenue),
      quantity: Number(r.quantity),
      customers: Number(r.customers),
      share: num(r.share),
      baseShare: num(r.base_share),
      lift: num(r.lift),
      segmentRevenue: Number(r.segment_revenue),
    }));
  });
}
