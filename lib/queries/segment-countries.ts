import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** A country where a segment (or the base: segmentNo null) buys (lib/queries/sql/segment-countries.sql). */
export interface SegmentCountryRow {
  segmentNo: number | null;
  rank: number;
  country: string;
  revenue: number;
  orders: number;
  customers: number;
  share: number | null;
  baseShare: number | null;
  lift: number | null;
}

export const segmentCountriesSql = () => sqlFile("segment-countries");

/** Every segment of a run at once, saved with the run. */
export const segmentCountriesQuery = (pool: pg.Pool, runId: number) => fileQuery<SegmentCountryRow>(pool, "segment-countries", runId, ["country"]);
export const getSegmentCountries = (pool: pg.Pool, runId: number) => segmentCountriesQuery(pool, runId).compute();
