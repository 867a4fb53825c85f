import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

/** Orders per buyer by the customers file's country (lib/queries/sql/frequency-by-country.sql); rank 16 is "Other". */
export const CountryFrequencyRow = z.object({
  rank: num,
  country: z.string(),
  countries: num,
  buyers: num,
  meanOrders: num,
  medianOrders: num,
  /** Share of buyers with 2 or more orders. */
  repeatShare: num,
  spendPerBuyer: num,
});
export type CountryFrequencyRow = z.infer<typeof CountryFrequencyRow>;

export const frequencyByCountrySql = () => sqlFile("frequency-by-country");
export const frequencyByCountryQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "frequency-by-country", datasetId, CountryFrequencyRow);
export const getFrequencyByCountry = (pool: pg.Pool, datasetId: number) =>
  frequencyByCountryQuery(pool, datasetId).compute();
