import type pg from "pg";
import { z } from "zod";
import { Bin, fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A bin of order values (lib/queries/sql/order-value-distribution.sql). */
export const OrderValueBin = Bin.extend({
  orders: num,
  orderShare: num,
  value: num,
  valueShare: numOrNull,
});
export type OrderValueBin = z.infer<typeof OrderValueBin>;

export const orderValueDistributionSql = () => sqlFile("order-value-distribution");
export const orderValueDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "order-value-distribution", datasetId, OrderValueBin);
export const getOrderValueDistribution = (pool: pg.Pool, datasetId: number) =>
  orderValueDistributionQuery(pool, datasetId).compute();
