import type pg from "pg";
import { ensureSummaries } from "../ingest/summaries";
import { runStatement, sqlFile, type RunOptions } from "./sql-file";

/** Per-customer features (lib/queries/sql/customer-features.sql), for the run's analysis date and cleaning rules. */

export interface CustomerFeatures {
  customerId: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  averageOrderValue: number;
  tenureDays: number;
  products: number;
  returnRate: number | null;
  age: number | null;
  gender: string | null;
  country: string | null;
}

interface Row {
  customer_id: string;
  recency_days: number;
  frequency: string;
  monetary: string;
  average_order_value: string;
  tenure_days: number;
  products: string;
  return_rate: string | null;
  age: number | null;
  gender: string | null;
  country: string | null;
}

export const customerFeaturesSql = () => sqlFile("customer-features");

export async function getCustomerFeatures(pool: pg.Pool, datasetId: number, options: RunOptions = {}): Promise<CustomerFeatures[]> {
  await ensureSummaries(pool, datasetId);
  const { text, values } = runStatement(customerFeaturesSql(), options);
  const { rows } = await pool.query<Row>(text, [datasetId, ...values]);
  return rows.map((r) => ({
    customerId: r.customer_id,
    recencyDays: r.recency_days,
    frequency: Number(r.frequency),
    monetary: Number(r.monetary),
    averageOrderValue: Number(r.average_order_value),
    tenureDays: r.tenure_days,
    products: Number(r.products),
    returnRate: r.return_rate === null ? null : Number(r.return_rate),
    age: r.age,
    gender: r.gender,
    country: r.country,
  }));
}
