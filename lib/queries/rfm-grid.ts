import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** One cell of an RFM run's recency score × frequency score grid (lib/queries/sql/rfm-grid.sql). */
export const RfmGridCell = z.object({
  recencyScore: num,
  frequencyScore: num,
  customers: num,
  /** 0 for a run without customers (the file's share is then null). */
  customerShare: numOrNull.transform((share) => share ?? 0),
  revenue: num,
  /** Revenue per customer; null in an empty cell. */
  meanMonetary: numOrNull,
  meanRecencyDays: numOrNull,
  /** The segment most of the cell's customers are in; null in an empty cell. */
  topSegment: z.string().nullable(),
  topSegmentCustomers: numOrNull,
});
export type RfmGridCell = z.infer<typeof RfmGridCell>;

export const rfmGridSql = () => sqlFile("rfm-grid");

/** The grid of an RFM run (empty for runs of another method), saved with the run. */
export const rfmGridQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "rfm-grid", runId, RfmGridCell);
export const getRfmGrid = (pool: pg.Pool, runId: number) => rfmGridQuery(pool, runId).compute();
