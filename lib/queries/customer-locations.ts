import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

/**
 * Where customers on file live (lib/queries/sql/customer-locations.sql): a
 * country row (city null), then its biggest cities; the top 15 countries, then
 * "Other" (rank 16).
 */
export const LocationRow = z.object({
  rank: num,
  country: z.string(),
  city: z.string().nullable(),
  customers: num,
  customerShare: num,
  countries: num,
  cities: num,
});
export type LocationRow = z.infer<typeof LocationRow>;

export const customerLocationsSql = () => sqlFile("customer-locations");
export const customerLocationsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "customer-locations", datasetId, LocationRow);
export const getCustomerLocations = (pool: pg.Pool, datasetId: number) =>
  customerLocationsQuery(pool, datasetId).compute();
