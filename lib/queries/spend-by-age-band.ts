import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Spend of customers on file by age band (lib/queries/sql/spend-by-age-band.sql). */
export interface AgeBandRow {
  bandNo: number;
  band: string;
  lower: number | null;
  upper: number | null;
  customers: number;
  buyers: number;
  revenue: number;
  revenueShare: number | null;
  meanSpend: number | null;
  medianSpend: number | null;
}

export const spendByAgeBandSql = () => sqlFile("spend-by-age-band");
export const spendByAgeBandQuery = (pool: pg.Pool, datasetId: number) => fileQuery<AgeBandRow>(pool, "spend-by-age-band", datasetId, ["band"]);
export const getSpendByAgeBand = (pool: pg.Pool, datasetId: number) => spendByAgeBandQuery(pool, datasetId).compute();
