import type pg from "pg";
import { ensureSummaries } from "../ingest/summaries";
import type { CustomerSummary } from "../segmentation/repeat-summary";
import { DAYS_PER_UNIT } from "../segmentation/repeat-summary";
import { runStatement, sqlFile, type RunOptions } from "./sql-file";

interface Row {
  customer_id: string;
  frequency: string;
  recency_days: number;
  t_days: number;
  monetary: string;
}

export const repeatSummarySql = () => sqlFile("repeat-summary");

/** BG/NBD and Gamma-Gamma inputs per customer (lib/queries/sql/repeat-summary.sql), in days or weeks. */
export async function getRepeatSummaries(
  pool: pg.Pool,
  datasetId: number,
  options: RunOptions & { unit: keyof typeof DAYS_PER_UNIT },
): Promise<CustomerSummary[]> {
  await ensureSummaries(pool, datasetId);
  const { text, values } = runStatement(repeatSummarySql(), options);
  const { rows } = await pool.query<Row>(text, [datasetId, ...values]);
  const per = DAYS_PER_UNIT[options.unit];
  return rows.map((r) => ({
    customerId: r.customer_id,
    frequency: Number(r.frequency),
    recency: r.recency_days / per,
    T: r.t_days / per,
    monetary: Number(r.monetary),
  }));
}
