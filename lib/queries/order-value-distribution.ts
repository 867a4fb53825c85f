import type pg from "pg";
import { fileQuery, type Bin } from "./file-query";
import { sqlFile } from "./sql-file";

/** A bin of order values (lib/queries/sql/order-value-distribution.sql). */
export interface OrderValueBin extends Bin {
  orders: number;
  orderShare: number;
  value: number;
  valueShare: number | null;
}

export const orderValueDistributionSql = () => sqlFile("order-value-distribution");
export const orderValueDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery<OrderValueBin>(pool, "order-value-distribution", datasetId);
export const getOrderValueDistribution = (pool: pg.Pool, datasetId: number) =>
  orderValueDistributionQuery(pool, datasetId).compute();
