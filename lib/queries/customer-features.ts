import type pg from "pg";
import { ALL_RULES_MASK } from "../ingest/cleaning";
import { sqlFile } from "./sql-file";

/**
 * Per-customer features (lib/queries/sql/customer-features.sql). The options
 * fill the file's marked places: the analysis date as a bound parameter, the
 * cleaning rules as a checked integer mask.
 */
export interface FeatureOptions {
  /** YYYY-MM-DD; default: the day after the dataset's last invoice. */
  analysisDate?: string;
  /** Bits of the cleaning rules that leave lines out (default: all of them). */
  rulesMask?: number;
}

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

/**
 * A run's statement from an analytics file with the marked places of
 * customer-features.sql: $1 is the dataset id, $2 the analysis date (null:
 * the file's default), and the rules mask is a checked integer.
 */
export function withRunOptions(statement: string, options: FeatureOptions): { text: string; values: (string | null)[] } {
  const mask = options.rulesMask ?? ALL_RULES_MASK;
  if (!Number.isInteger(mask) || mask < 0 || mask > ALL_RULES_MASK) throw new RangeError(`rulesMask must be a whole number from 0 to ${ALL_RULES_MASK}`);
  if (options.analysisDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.analysisDate)) throw new RangeError("analysisDate must be YYYY-MM-DD");
  const text = statement.replace("/*analysis_date*/null::date", "/*analysis_date*/$2::date").replaceAll(`/*rules*/${ALL_RULES_MASK}`, `/*rules*/${mask}`);
  return { text, values: [options.analysisDate ?? null] };
}

export async function getCustomerFeatures(pool: pg.Pool, datasetId: number, options: FeatureOptions = {}): Promise<CustomerFeatures[]> {
  const { text, values } = withRunOptions(customerFeaturesSql().statement, options);
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
