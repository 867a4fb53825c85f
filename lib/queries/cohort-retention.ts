import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** One cell of the monthly cohort retention grid (lib/queries/sql/cohort-retention.sql). */
export interface CohortCell {
  /** First day of the cohort's month, YYYY-MM-DD. */
  cohort: string;
  cohortSize: number;
  monthsSince: number;
  customers: number;
  share: number;
}

export const cohortRetentionSql = () => sqlFile("cohort-retention");
export const cohortRetentionQuery = (pool: pg.Pool, datasetId: number) => fileQuery<CohortCell>(pool, "cohort-retention", datasetId, ["cohort"]);
export const getCohortRetention = (pool: pg.Pool, datasetId: number) => cohortRetentionQuery(pool, datasetId).compute();
