import type pg from "pg";
import { fileQuery } from "./file-query";
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

/** Every segment of a run at once (one pass over the dataset's lines), saved with the run. */
export const segmentTopProductsQuery = (pool: pg.Pool, runId: number) => fileQuery<SegmentTopProductRow>(pool, "segment-top-products", runId, ["stock_code", "description"]);
export const getSegmentTopProducts = (pool: pg.Pool, runId: number) => segmentTopProductsQuery(pool, runId).compute();
