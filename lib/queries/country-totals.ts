import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A country of lib/queries/sql/country-totals.sql: the top 15 by revenue, then "Other" (rank 16). */
export const CountryTotalRow = z.object({
  rank: num,
  country: z.string(),
  /** How many countries the row holds (more than 1 only for "Other"). */
  countries: num,
  orders: num,
  customers: num,
  revenue: num,
  orderShare: numOrNull,
  revenueShare: numOrNull,
});
export type CountryTotalRow = z.infer<typeof CountryTotalRow>;

export const countryTotalsSql = () => sqlFile("country-totals");
export const countryTotalsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "country-totals", datasetId, CountryTotalRow);
export const getCountryTotals = (pool: pg.Pool, datasetId: number) => countryTotalsQuery(pool, datasetId).compute();
