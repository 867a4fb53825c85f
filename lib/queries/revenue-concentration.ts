import type pg from "pg";
import { z } from "zod";
import type { CachedQuery } from "./cache";
import { fileRow } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** Share of a run's revenue from its top customers (lib/queries/sql/revenue-concentration.sql). */
export const RevenueConcentration = z.object({
  customers: num,
  top1PercentShare: numOrNull,
  top10PercentShare: numOrNull,
  top20PercentShare: numOrNull,
  bottomHalfShare: numOrNull,
});
export type RevenueConcentration = z.infer<typeof RevenueConcentration>;

export const revenueConcentrationSql = () => sqlFile("revenue-concentration");

/** Null for a run without customers (the file gives no row). */
export const revenueConcentrationQuery = (pool: pg.Pool, runId: number): CachedQuery<RevenueConcentration | null> => ({
  name: "revenue-concentration",
  compute: (db = pool) => fileRow(db, "revenue-concentration", runId, RevenueConcentration),
  parse: (saved) => RevenueConcentration.nullable().parse(saved),
});
export const getRevenueConcentration = (pool: pg.Pool, runId: number) => revenueConcentrationQuery(pool, runId).compute();
