import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A value of a run's outcome column in a segment (segmentNo null: the whole run) (lib/queries/sql/segment-outcomes.sql). */
export const SegmentOutcomeRow = z.object({
  segmentNo: numOrNull,
  /** The value ("yes" or "no" for a yes/no column). */
  value: z.string(),
  customers: num,
  /** The segment's customers with a value. */
  known: numOrNull,
  /** The segment's customers without one (or not on file). */
  unknown: num,
  rate: num,
  /** 95% Wilson score interval of the rate. */
  rateLow: numOrNull,
  rateHigh: numOrNull,
  baseRate: num,
  lift: numOrNull,
});
export type SegmentOutcomeRow = z.infer<typeof SegmentOutcomeRow>;

export const segmentOutcomesSql = () => sqlFile("segment-outcomes");
/** Saved with the run; empty when the run has no outcome. */
export const segmentOutcomesQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-outcomes", runId, SegmentOutcomeRow);
