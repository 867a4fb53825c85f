import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

/** One cell of the monthly cohort retention grid (lib/queries/sql/cohort-retention.sql). */
export const CohortCell = z.object({
  /** First day of the cohort's month, YYYY-MM-DD. */
  cohort: z.string(),
  cohortSize: num,
  monthsSince: num,
  customers: num,
  share: num,
});
export type CohortCell = z.infer<typeof CohortCell>;

export const cohortRetentionSql = () => sqlFile("cohort-retention");
export const cohortRetentionQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "cohort-retention", datasetId, CohortCell);
export const getCohortRetention = (pool: pg.Pool, datasetId: number) => cohortRetentionQuery(pool, datasetId).compute();
