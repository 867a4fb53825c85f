import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** Spend of customers on file by age band (lib/queries/sql/spend-by-age-band.sql). */
export const AgeBandRow = z.object({
  bandNo: num,
  band: z.string(),
  lower: numOrNull,
  upper: numOrNull,
  customers: num,
  buyers: num,
  revenue: num,
  revenueShare: numOrNull,
  meanSpend: numOrNull,
  medianSpend: numOrNull,
});
export type AgeBandRow = z.infer<typeof AgeBandRow>;

export const spendByAgeBandSql = () => sqlFile("spend-by-age-band");
export const spendByAgeBandQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "spend-by-age-band", datasetId, AgeBandRow);
export const getSpendByAgeBand = (pool: pg.Pool, datasetId: number) => spendByAgeBandQuery(pool, datasetId).compute();
