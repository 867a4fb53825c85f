import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { camelKeys, num, numOrNull, rowsOf, type Queryable } from "./rows";
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

export const CrosstabCell = z.object({ xValue: z.string(), yValue: z.string(), customers: num, rowShare: num, columnShare: num });
export type CrosstabCell = z.infer<typeof CrosstabCell>;

export const customerCrosstabSql = () => sqlFile("customer-crosstab");

/**
 * Two columns of the customers file against each other (lib/queries/sql/customer-crosstab.sql), by their
 * keys. Read when an analyst asks for a pair (not saved: the pairs are many, the customers table small).
 */
export async function customerCrosstab(db: Queryable, datasetId: number, xKey: string, yKey: string): Promise<CrosstabCell[]> {
  return rowsOf(db, z.preprocess(camelKeys, CrosstabCell), customerCrosstabSql().statement, [datasetId, JSON.stringify([xKey, yKey])]);
}
