import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** One period of lib/queries/sql/revenue-by-month.sql (and revenue-by-week.sql). */
export interface PeriodRow {
  /** First day of the period, YYYY-MM-DD (a week's Monday). */
  period: string;
  orders: number;
  customers: number;
  revenue: number;
  averageOrderValue: number | null;
  /** The data covers only part of the period. */
  partial: boolean;
  coveredFrom: string;
  coveredTo: string;
}

export const PERIOD_TEXT = ["period", "covered_from", "covered_to"] as const;

export const revenueByMonthSql = () => sqlFile("revenue-by-month");
export const revenueByMonthQuery = (pool: pg.Pool, datasetId: number) => fileQuery<PeriodRow>(pool, "revenue-by-month", datasetId, PERIOD_TEXT);
export const getRevenueByMonth = (pool: pg.Pool, datasetId: number) => revenueByMonthQuery(pool, datasetId).compute();
