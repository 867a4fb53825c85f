import type pg from "pg";
import { runStatement, sqlFile, type RunOptions } from "./sql-file";

/**
 * The holdout check's rows (lib/queries/sql/churn-holdout.sql): per customer
 * who bought before the calibration date, the repeat summary at that date (days)
 * and the later purchase days, as days after it.
 */
export interface HoldoutRow {
  customerId: string;
  frequency: number;
  recencyDays: number;
  tDays: number;
  /** Purchase days after the calibration date, as days after it (1 …), in order. */
  holdoutDays: number[];
}

// Typed by db.query<Row>, not parsed by zod: up to a million rows (as repeat-summary.ts).
interface Row {
  customer_id: string;
  frequency: string | number;
  recency_days: number;
  t_days: number;
  holdout_days: number[];
}

export const churnHoldoutSql = () => sqlFile("churn-holdout");

/**
 * The rows of churn-holdout.sql at a calibration date (YYYY-MM-DD), with the
 * run's analysis date and rules, on `buckets` of the 1,024 hash buckets of
 * the customer id (1,024: every customer).
 */
export async function getHoldoutRows(
  db: pg.Pool | pg.ClientBase,
  datasetId: number,
  options: RunOptions & { calibrationDate: string; buckets?: number },
): Promise<HoldoutRow[]> {
  const buckets = options.buckets ?? 1024;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.calibrationDate)) throw new RangeError("calibrationDate must be YYYY-MM-DD");
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 1024) throw new RangeError("buckets must be a whole number from 1 to 1024");
  const { text, values } = runStatement(churnHoldoutSql(), options);
  const statement = text.replaceAll("/*calibration_date*/null::date", "/*calibration_date*/$3::date").replaceAll("/*sample*/1024", `/*sample*/${buckets}`);
  const { rows } = await db.query<Row>(statement, [datasetId, ...values, options.calibrationDate]);
  return rows.map((r) => ({ customerId: r.customer_id, frequency: Number(r.frequency), recencyDays: r.recency_days, tDays: r.t_days, holdoutDays: r.holdout_days }));
}
