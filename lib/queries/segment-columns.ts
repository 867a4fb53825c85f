import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/**
 * A customers-file column a run clustered on, in a segment (segmentNo null: the whole run)
 * (lib/queries/sql/segment-columns.sql): a number's or a date's mean, or one value's share of a category.
 */
export const SegmentColumnRow = z.object({
  segmentNo: numOrNull,
  name: z.string(),
  kind: z.enum(["number", "date", "category", "yes_no"]),
  /** The column's place among the run's columns (1 = first). */
  position: num,
  /** A category's value ("yes"/"no" for yes/no); null for a number or a date. */
  value: z.string().nullable(),
  /** Customers with a value (of this value, for a category). */
  customers: num,
  mean: numOrNull,
  meanDate: z.string().nullable(),
  share: numOrNull,
  baseMean: numOrNull,
  baseMeanDate: z.string().nullable(),
  baseShare: numOrNull,
  /** (segment mean - run mean) / the run's standard deviation. */
  difference: numOrNull,
  lift: numOrNull,
});
export type SegmentColumnRow = z.infer<typeof SegmentColumnRow>;

export const segmentColumnsSql = () => sqlFile("segment-columns");
/** Saved with the run; empty for a run on purchase features alone. */
export const segmentColumnsQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "segment-columns", runId, SegmentColumnRow);
