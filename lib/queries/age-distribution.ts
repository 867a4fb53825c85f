import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A 5-year bin of the customers file's ages (lib/queries/sql/age-distribution.sql); bin null: no age given. */
export const AgeBin = z.object({
  bin: numOrNull,
  lower: numOrNull,
  upper: numOrNull,
  customers: num,
  customerShare: num,
});
export type AgeBin = z.infer<typeof AgeBin>;

export const ageDistributionSql = () => sqlFile("age-distribution");
export const ageDistributionQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "age-distribution", datasetId, AgeBin);
export const getAgeDistribution = (pool: pg.Pool, datasetId: number) => ageDistributionQuery(pool, datasetId).compute();
