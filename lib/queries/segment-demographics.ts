import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** One value of a demographic dimension in a segment (or the base: segmentNo null), against the base (lib/queries/sql/segment-demographics.sql). */
export interface SegmentDemographicRow {
  segmentNo: number | null;
  dimension: "age_band" | "gender" | "country" | "channel";
  value: string;
  customers: number;
  share: number;
  baseShare: number;
  lift: number;
}

export const segmentDemographicsSql = () => sqlFile("segment-demographics");

/** Every segment of a run at once, saved with the run; empty when the dataset has no customers file. */
export const segmentDemographicsQuery = (pool: pg.Pool, runId: number) => fileQuery<SegmentDemographicRow>(pool, "segment-demographics", runId, ["dimension", "value"]);
export const getSegmentDemographics = (pool: pg.Pool, runId: number) => segmentDemographicsQuery(pool, runId).compute();
