import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A country where a segment (or the base: segmentNo null) buys (lib/queries/sql/segment-countries.sql). */
export const SegmentCountryRow = z.object({
  segmentNo: numOrNull,
  rank: num,
  country: z.string(),
  revenue: num,
  orders: num,
  customers: num,
  share: numOrNull,
  baseShare: numOrNull,
  lift: numOrNull,
});
export type SegmentCountryRow = z.infer<typeof SegmentCountryRow>;

export const segmentCountriesSql = () => sqlFile("segment-countries");

/** Every segment of a run at once, saved with the run. */
export const segmentCountriesQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-countries", runId, SegmentCountryRow);
export const getSegmentCountries = (pool: pg.Pool, runId: number) => segmentCountriesQuery(pool, runId).compute();
