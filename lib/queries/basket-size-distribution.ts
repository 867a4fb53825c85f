import type pg from "pg";
import { z } from "zod";
import { Bin, fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A bin of line items per order (lib/queries/sql/basket-size-distribution.sql). */
export const BasketSizeBin = Bin.extend({
  orders: num,
  orderShare: num,
  /** Units (sum of quantities) of the bin's orders. */
  units: num,
  value: num,
  valueShare: numOrNull,
});
export type BasketSizeBin = z.infer<typeof BasketSizeBin>;

export const basketSizeDistributionSql = () => sqlFile("basket-size-distribution");
export const basketSizeDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "basket-size-distribution", datasetId, BasketSizeBin);
export const getBasketSizeDistribution = (pool: pg.Pool, datasetId: number) =>
  basketSizeDistributionQuery(pool, datasetId).compute();
