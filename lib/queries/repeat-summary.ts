import type pg from "pg";
import { DAYS_PER_UNIT, type CustomerSummary } from "../segmentation/repeat-summary";
import { atDefaults, runStatement, sqlFile, type RunOptions } from "./sql-file";

/** BG/NBD and Gamma-Gamma inputs of a customer, in days (lib/queries/sql/repeat-summary.sql). */
export interface RepeatInputs {
  customerId: string;
  frequency: number;
  recencyDays: number;
  tDays: number;
  monetary: number;
}

// Typed by db.query<Row>, not parsed by zod: up to a million rows, each field converted by hand, as zod would add ~1.8 s per 1M rows of these 5 fields.
interface Row {
  customer_id: string;
  frequency: string | number;
  recency_days: number;
  t_days: number;
  monetary: string;
}

export const repeatSummarySql = () => sqlFile("repeat-summary");

/** The rows of repeat-summary.sql at the dataset's defaults, as its preparation saved them beside the features. */
const SAVED_REPEAT_SUMMARY = `select customer_id, repeat_frequency as frequency, repeat_recency_days as recency_days, t_days, repeat_monetary as monetary
from customer_summaries where dataset_id = $1 order by customer_id collate "C"`;

/** The rows of repeat-summary.sql (at the defaults: as saved in customer_summaries), in days. */
export async function getRepeatRows(pool: pg.Pool | pg.ClientBase, datasetId: number, options: RunOptions): Promise<RepeatInputs[]> {
  let rows: Row[];
  if (atDefaults(options)) rows = (await pool.query<Row>(SAVED_REPEAT_SUMMARY, [datasetId])).rows;
  else {
    const { text, values } = runStatement(repeatSummarySql(), options);
    rows = (await pool.query<Row>(text, [datasetId, ...values])).rows;
  }
  return rows.map((r) => ({ customerId: r.customer_id, frequency: Number(r.frequency), recencyDays: r.recency_days, tDays: r.t_days, monetary: Number(r.monetary) }));
}

/** Repeat rows in the model's time unit (days or weeks). */
export function inUnit(rows: readonly RepeatInputs[], unit: keyof typeof DAYS_PER_UNIT): CustomerSummary[] {
  const per = DAYS_PER_UNIT[unit];
  return rows.map((r) => ({ customerId: r.customerId, frequency: r.frequency, recency: r.recencyDays / per, T: r.tDays / per, monetary: r.monetary }));
}

/**
 * BG/NBD and Gamma-Gamma inputs per customer (lib/queries/sql/repeat-summary.sql), in days or weeks:
 * at the dataset's defaults read from customer_summaries, otherwise the file runs.
 * The dataset's summaries must be current (the caller checks).
 */
export async function getRepeatSummaries(
  pool: pg.Pool,
  datasetId: number,
  options: RunOptions & { unit: keyof typeof DAYS_PER_UNIT },
): Promise<CustomerSummary[]> {
  return inUnit(await getRepeatRows(pool, datasetId, options), options.unit);
}
