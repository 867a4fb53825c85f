import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Customers on file by gender (lib/queries/sql/gender-split.sql). */
export interface GenderRow {
  gender: string;
  customers: number;
  customerShare: number;
  buyers: number;
  revenue: number;
  revenueShare: number | null;
  spendPerBuyer: number | null;
}

export const genderSplitSql = () => sqlFile("gender-split");
export const genderSplitQuery = (pool: pg.Pool, datasetId: number) => fileQuery<GenderRow>(pool, "gender-split", datasetId, ["gender"]);
export const getGenderSplit = (pool: pg.Pool, datasetId: number) => genderSplitQuery(pool, datasetId).compute();
