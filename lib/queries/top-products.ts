import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** One of the 20 products with the most revenue (lib/queries/sql/top-products.sql). */
export interface TopProductRow {
  rank: number;
  stockCode: string;
  description: string;
  quantity: number;
  revenue: number;
  orders: number;
  customers: number;
  /** Share of all product revenue (kept lines). */
  revenueShare: number | null;
}

export const topProductsSql = () => sqlFile("top-products");
export const topProductsQuery = (pool: pg.Pool, datasetId: number) => fileQuery<TopProductRow>(pool, "top-products", datasetId, ["stock_code", "description"]);
export const getTopProducts = (pool: pg.Pool, datasetId: number) => topProductsQuery(pool, datasetId).compute();
