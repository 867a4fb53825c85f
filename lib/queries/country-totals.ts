import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** A country of lib/queries/sql/country-totals.sql: the top 15 by revenue, then "Other" (rank 16). */
export interface CountryTotalRow {
  rank: number;
  country: string;
  /** How many countries the row holds (more than 1 only for "Other"). */
  countries: number;
  orders: number;
  customers: number;
  revenue: number;
  orderShare: number | null;
  revenueShare: number | null;
}

export const countryTotalsSql = () => sqlFile("country-totals");
export const countryTotalsQuery = (pool: pg.Pool, datasetId: number) => fileQuery<CountryTotalRow>(pool, "country-totals", datasetId, ["country"]);
export const getCountryTotals = (pool: pg.Pool, datasetId: number) => countryTotalsQuery(pool, datasetId).compute();
