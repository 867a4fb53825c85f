import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/**
 * Where customers on file live (lib/queries/sql/customer-locations.sql): a
 * country row (city null), then its biggest cities; the top 15 countries, then
 * "Other" (rank 16).
 */
export interface LocationRow {
  rank: number;
  country: string;
  city: string | null;
  customers: number;
  customerShare: number;
  countries: number;
  cities: number;
}

export const customerLocationsSql = () => sqlFile("customer-locations");
export const customerLocationsQuery = (pool: pg.Pool, datasetId: number) => fileQuery<LocationRow>(pool, "customer-locations", datasetId, ["country", "city"]);
export const getCustomerLocations = (pool: pg.Pool, datasetId: number) =>
  customerLocationsQuery(pool, datasetId).compute();
