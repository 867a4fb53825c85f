import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** Customers on file by gender (lib/queries/sql/gender-split.sql). */
export const GenderRow = z.object({
  gender: z.string(),
  customers: num,
  customerShare: num,
  buyers: num,
  revenue: num,
  revenueShare: numOrNull,
  spendPerBuyer: numOrNull,
});
export type GenderRow = z.infer<typeof GenderRow>;

export const genderSplitSql = () => sqlFile("gender-split");
export const genderSplitQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "gender-split", datasetId, GenderRow);
export const getGenderSplit = (pool: pg.Pool, datasetId: number) => genderSplitQuery(pool, datasetId).compute();
