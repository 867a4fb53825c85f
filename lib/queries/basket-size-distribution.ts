import type pg from "pg";
import { fileQuery, type Bin } from "./file-query";
import { sqlFile } from "./sql-file";

/** A bin of line items per order (lib/queries/sql/basket-size-distribution.sql). */
export interface BasketSizeBin extends Bin {
  orders: number;
  orderShare: number;
  /** Units (sum of quantities) of the bin's orders. */
  units: number;
  value: number;
  valueShare: number | null;
}

export const basketSizeDistributionSql = () => sqlFile("basket-size-distribution");
export const basketSizeDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery<BasketSizeBin>(pool, "basket-size-distribution", datasetId);
export const getBasketSizeDistribution = (pool: pg.Pool, datasetId: number) =>
  basketSizeDistributionQuery(pool, datasetId).compute();
