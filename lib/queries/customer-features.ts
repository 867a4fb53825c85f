import type pg from "pg";
import { getRepeatRows, type RepeatInputs } from "./repeat-summary";
import { atDefaults, runStatement, sqlFile, type RunOptions } from "./sql-file";

/**
 * Per-customer features (lib/queries/sql/customer-features.sql), for the
 * run's analysis date and cleaning rules. At the dataset's defaults (the day
 * after its last invoice, every rule) they are read from customer_summaries,
 * where the dataset's preparation saved exactly that file's rows after the
 * load; other dates and rules run the file.
 */

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

// Typed by db.query<Row>, not parsed by zod: up to a million rows, each field converted by hand (featuresOf), as zod would add ~8.5 s per 1M rows (15-field objects: 9.2 s against 0.6 s).
interface Row {
  customer_id: string;
  recency_days: number;
  frequency: string | number;
  monetary: string;
  average_order_value: string;
  tenure_days: number;
  products: string | number;
  return_rate: string | null;
  age: number | null;
  gender: string | null;
  country: string | null;
}

export const customerFeaturesSql = () => sqlFile("customer-features");


/** The rows of customer-features.sql at the defaults, as saved by the preparation (same columns, same order). */
export const SAVED_FEATURES = `select customer_id, recency_days, frequency, monetary, average_order_value, tenure_days, products, return_rate, age, gender, country
from customer_summaries where dataset_id = $1 order by customer_id collate "C"`;

export function featuresOf(r: Row): CustomerFeatures {
  return {
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
  };
}

/** The dataset's summaries must be current (the caller checks: lib/services/preparation.ts). */
export async function getCustomerFeatures(pool: pg.Pool, datasetId: number, options: RunOptions = {}): Promise<CustomerFeatures[]> {
  if (atDefaults(options)) return (await pool.query<Row>(SAVED_FEATURES, [datasetId])).rows.map(featuresOf);
  const { text, values } = runStatement(customerFeaturesSql(), options);
  const { rows } = await pool.query<Row>(text, [datasetId, ...values]);
  return rows.map(featuresOf);
}

/**
 * A run's inputs at once: each customer's features and repeat-purchase
 * summary, in customer order. At the defaults, one read of
 * customer_summaries gives both (a million customers: one pass, not two);
 * otherwise customer-features.sql and repeat-summary.sql run side by side.
 */
export async function getRunInputs(pool: pg.Pool, datasetId: number, options: RunOptions = {}): Promise<{ features: CustomerFeatures[]; repeats: RepeatInputs[] }> {
  if (!atDefaults(options)) {
    const [features, repeats] = await Promise.all([getCustomerFeatures(pool, datasetId, options), getRepeatRows(pool, datasetId, options)]);
    return { features, repeats };
  }
  // Rows as arrays: a million objects with fifteen keys each cost pg 1.2 s more to build than arrays.
  // Typed by db.query<[...]>, not parsed by zod (a z.tuple of the fifteen would add ~4.3 s per 1M rows): each field is converted by hand below.
  const { rows } = await pool.query<[string, number, number, string, string, number, number, string | null, number | null, string | null, string | null, number, number, number, string]>({
    text: `select customer_id, recency_days, frequency, monetary, average_order_value, tenure_days, products, return_rate, age, gender, country,
                  repeat_frequency, repeat_recency_days, t_days, repeat_monetary
           from customer_summaries where dataset_id = $1 order by customer_id collate "C"`,
    values: [datasetId],
    rowMode: "array",
  });
  const features = new Array<CustomerFeatures>(rows.length);
  const repeats = new Array<RepeatInputs>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [customerId, recencyDays, frequency, monetary, averageOrderValue, tenureDays, products, returnRate, age, gender, country, repeatFrequency, repeatRecencyDays, tDays, repeatMonetary] = rows[i]!;
    features[i] = {
      customerId,
      recencyDays,
      frequency,
      monetary: Number(monetary),
      averageOrderValue: Number(averageOrderValue),
      tenureDays,
      products,
      returnRate: returnRate === null ? null : Number(returnRate),
      age,
      gender,
      country,
    };
    repeats[i] = { customerId, frequency: repeatFrequency, recencyDays: repeatRecencyDays, tDays, monetary: Number(repeatMonetary) };
  }
  return { features, repeats };
}
