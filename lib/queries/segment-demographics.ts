import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** One value of a demographic dimension in a segment (or the base: segmentNo null), against the base (lib/queries/sql/segment-demographics.sql). */
export const SegmentDemographicRow = z.object({
  segmentNo: numOrNull,
  dimension: z.enum(["age_band", "gender", "country", "channel"]),
  value: z.string(),
  customers: num,
  share: num,
  baseShare: num,
  lift: num,
});
export type SegmentDemographicRow = z.infer<typeof SegmentDemographicRow>;

export const segmentDemographicsSql = () => sqlFile("segment-demographics");

/** Every segment of a run at once, saved with the run; empty when the dataset has no customers file. */
export const segmentDemographicsQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-demographics", runId, SegmentDemographicRow);
export const getSegmentDemographics = (pool: pg.Pool, runId: number) => segmentDemographicsQuery(pool, runId).compute();
