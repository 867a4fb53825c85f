import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** A 5-year bin of the customers file's ages (lib/queries/sql/age-distribution.sql); bin null: no age given. */
export interface AgeBin {
  bin: number | null;
  lower: number | null;
  upper: number | null;
  customers: number;
  customerShare: number;
}

export const ageDistributionSql = () => sqlFile("age-distribution");
export const ageDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery<AgeBin>(pool, "age-distribution", datasetId);
export const getAgeDistribution = (pool: pg.Pool, datasetId: number) => ageDistributionQuery(pool, datasetId).compute();
