import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile } from "./sql-file";

/** Share of a run's revenue from its top customers (lib/queries/sql/revenue-concentration.sql). */
export interface RevenueConcentration {
  customers: number;
  top1PercentShare: number | null;
  top10PercentShare: number | null;
  top20PercentShare: number | null;
  bottomHalfShare: number | null;
}

export const revenueConcentrationSql = () => sqlFile("revenue-concentration");

const num = (v: string | null) => (v === null ? null : Number(v));

export const revenueConcentrationQuery = (pool: pg.Pool, runId: number): CachedQuery<RevenueConcentration | null> => ({
  name: "revenue-concentration",
  compute: async (db = pool) => {
    const { rows } = await db.query(revenueConcentrationSql().statement, [runId]);
    const r = rows[0];
    if (!r) return null;
    return {
      customers: Number(r.customers),
      top1PercentShare: num(r.top_1_percent_share),
      top10PercentShare: num(r.top_10_percent_share),
      top20PercentShare: num(r.top_20_percent_share),
      bottomHalfShare: num(r.bottom_half_share),
    };
  },
});
export const getRevenueConcentration = (pool: pg.Pool, runId: number) => revenueConcentrationQuery(pool, runId).compute();
