import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** One of the 20 products with the most revenue (lib/queries/sql/top-products.sql). */
export const TopProductRow = z.object({
  rank: num,
  stockCode: z.string(),
  description: z.string(),
  quantity: num,
  revenue: num,
  orders: num,
  customers: num,
  /** Share of all product revenue (kept lines). */
  revenueShare: numOrNull,
});
export type TopProductRow = z.infer<typeof TopProductRow>;

export const topProductsSql = () => sqlFile("top-products");
export const topProductsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "top-products", datasetId, TopProductRow);
export const getTopProducts = (pool: pg.Pool, datasetId: number) => topProductsQuery(pool, datasetId).compute();
