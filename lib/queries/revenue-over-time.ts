import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile, type GRAINS } from "./sql-file";

/** The periods revenue-over-time.sql sums by: calendar months, or weeks (Monday to Sunday). */
export type Grain = (typeof GRAINS)[number];

/** One period of lib/queries/sql/revenue-over-time.sql (a month, or a week in the shape of the months). */
export const PeriodRow = z.object({
  /** First day of the period, YYYY-MM-DD (a week's Monday). */
  period: z.string(),
  orders: num,
  customers: num,
  revenue: num,
  averageOrderValue: numOrNull,
  /** The data covers only part of the period. */
  partial: z.boolean(),
  coveredFrom: z.string(),
  coveredTo: z.string(),
});
export type PeriodRow = z.infer<typeof PeriodRow>;

/** The file with its grain: its answers are saved as "revenue-over-time?grain=month" and "…?grain=week". */
export const revenueOverTimeName = <G extends Grain>(grain: G): `revenue-over-time?grain=${G}` => `revenue-over-time?grain=${grain}`;
export const revenueOverTimeSql = (grain: Grain) => sqlFile(revenueOverTimeName(grain));
export const revenueOverTimeQuery = (pool: pg.Pool, datasetId: number, grain: Grain) => fileQuery(pool, revenueOverTimeName(grain), datasetId, PeriodRow);

export const revenueByMonthQuery = (pool: pg.Pool, datasetId: number) => revenueOverTimeQuery(pool, datasetId, "month");
export const revenueByWeekQuery = (pool: pg.Pool, datasetId: number) => revenueOverTimeQuery(pool, datasetId, "week");
export const getRevenueByMonth = (pool: pg.Pool, datasetId: number) => revenueByMonthQuery(pool, datasetId).compute();
export const getRevenueByWeek = (pool: pg.Pool, datasetId: number) => revenueByWeekQuery(pool, datasetId).compute();
