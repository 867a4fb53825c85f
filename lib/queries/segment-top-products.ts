import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** One of a segment's (or the base's: segmentNo null) ten best-selling products (lib/queries/sql/segment-top-products.sql). */
export const SegmentTopProductRow = z.object({
  segmentNo: numOrNull,
  rank: num,
  stockCode: z.string(),
  description: z.string().nullable(),
  revenue: num,
  quantity: num,
  customers: num,
  /** Share of the segment's product revenue. */
  share: numOrNull,
  baseShare: numOrNull,
  lift: numOrNull,
  segmentRevenue: num,
});
export type SegmentTopProductRow = z.infer<typeof SegmentTopProductRow>;

export const segmentTopProductsSql = () => sqlFile("segment-top-products");

/** Every segment of a run at once (one pass over the dataset's lines), saved with the run. */
export const segmentTopProductsQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-top-products", runId, SegmentTopProductRow);
export const getSegmentTopProducts = (pool: pg.Pool, runId: number) => segmentTopProductsQuery(pool, runId).compute();
