import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Orders per buyer by the customers file's country (lib/queries/sql/frequency-by-country.sql); rank 16 is "Other". */
export interface CountryFrequencyRow {
  rank: number;
  country: string;
  countries: number;
  buyers: number;
  meanOrders: number;
  medianOrders: number;
  /** Share of buyers with 2 or more orders. */
  repeatShare: number;
  spendPerBuyer: number;
}

export const frequencyByCountrySql = () => sqlFile("frequency-by-country");
export const frequencyByCountryQuery = (pool: pg.Pool, datasetId: number) => fileQuery<CountryFrequencyRow>(pool, "frequency-by-country", datasetId, ["country"]);
export const getFrequencyByCountry = (pool: pg.Pool, datasetId: number) =>
  frequencyByCountryQuery(pool, datasetId).compute();
