import type pg from "pg";
import { fileQuery } from "./file-query";
import { PERIOD_TEXT, type PeriodRow } from "./revenue-by-month";
import { sqlFile } from "./sql-file";

/** Weeks (Monday to Sunday) of lib/queries/sql/revenue-by-week.sql, in the shape of the months. */
export const revenueByWeekSql = () => sqlFile("revenue-by-week");
export const revenueByWeekQuery = (pool: pg.Pool, datasetId: number) => fileQuery<PeriodRow>(pool, "revenue-by-week", datasetId, PERIOD_TEXT);
export const getRevenueByWeek = (pool: pg.Pool, datasetId: number) => revenueByWeekQuery(pool, datasetId).compute();
