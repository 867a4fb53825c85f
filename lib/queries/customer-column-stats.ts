import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/**
 * How a customers file's number columns are spread and move together: a
 * histogram per column (lib/queries/sql/customer-column-bins.sql) and the
 * correlation of every pair (lib/queries/sql/customer-correlations.sql), keyed
 * like customer-columns.sql. Both saved per data version by the preparation.
 */
export const CustomerColumnBin = z.object({
  key: z.string(),
  bin: num,
  lower: num,
  upper: num,
  customers: num,
  share: num,
});
export type CustomerColumnBin = z.infer<typeof CustomerColumnBin>;

export const CustomerCorrelation = z.object({
  xKey: z.string(),
  yKey: z.string(),
  /** Pearson's r; null when a column does not vary over the customers with both. */
  correlation: numOrNull,
  customers: num,
});
export type CustomerCorrelation = z.infer<typeof CustomerCorrelation>;

export const customerColumnBinsSql = () => sqlFile("customer-column-bins");
export const customerCorrelationsSql = () => sqlFile("customer-correlations");
export const customerColumnBinsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "customer-column-bins", datasetId, CustomerColumnBin);
export const customerCorrelationsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "customer-correlations", datasetId, CustomerCorrelation);
