import type pg from "pg";
import { datasetName } from "./datasets";
import { summariesCurrent } from "./preparation";
import { sqlFile } from "./sql-file";

const num = (v: string | number | null) => (v === null ? null : Number(v));

// ---------------------------------------------------------------------------
// One customer's history: three SQL files written for psql with :dataset_id and
// :'customer_id' (the app sends them as $1 and $2). "Show SQL" prints them.

/** The files of a customer's history (lib/queries/sql), each taking :dataset_id and :'customer_id'. */
export const CUSTOMER_QUERIES = { orders: "customer-orders", segments: "customer-segments", file: "customer-file" } as const;

/** A customer query's text (for "Show SQL") and the psql command that runs it for this customer. */
export function customerQuery(name: (typeof CUSTOMER_QUERIES)[keyof typeof CUSTOMER_QUERIES], datasetId: number, customerId: string): { sql: string; command: string; source: string } {
  const quoted = `'${customerId.replace(/'/g, `'\\''`)}'`;
  const source = `lib/queries/sql/${name}.sql`;
  return { sql: sqlFile(name).text, command: `psql "$DATABASE_URL" -v dataset_id=${datasetId} -v customer_id=${quoted} -f ${source}`, source };
}

export interface CustomerInvoice {
  invoiceNo: string;
  invoiceDate: string;
  country: string | null;
  lines: number;
  quantity: number;
  value: number;
  includedLines: number;
  includedValue: number;
  /** Cleaning rule bits that apply to some of its lines. */
  rules: number;
}

export interface CustomerTotals {
  invoices: number;
  includedInvoices: number;
  lines: number;
  quantity: number;
  value: number;
  includedLines: number;
  includedValue: number;
  firstInvoiceDate: string | null;
  lastInvoiceDate: string | null;
  rules: number;
}

export interface CustomerRunSegment {
  runId: number;
  method: string;
  createdAt: string;
  segmentNo: number | null;
  segment: string | null;
  recencyScore: number | null;
  frequencyScore: number | null;
  monetaryScore: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: number | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  clv: number | null;
}

export interface CustomerFile {
  age: number | null;
  gender: string | null;
  country: string | null;
  city: string | null;
  signupDate: string | null;
  attributes: Record<string, unknown>;
}

export interface CustomerHistory {
  datasetId: number;
  datasetName: string;
  customerId: string;
  /** True while the dataset's summaries are being built after a load: the invoices are not read yet. */
  preparing: boolean;
  invoices: CustomerInvoice[];
  totals: CustomerTotals;
  file: CustomerFile | null;
  segments: CustomerRunSegment[];
}


interface OrderRow {
  invoice_no: string | null;
  invoice_date: string;
  last_invoice_date: string;
  country: string | null;
  invoices: string;
  lines: string;
  quantity: string;
  value: string;
  included_lines: string;
  included_value: string;
  included_invoices: string;
  rules: number;
}

/** A customer's history in a dataset, or null when the dataset does not know the customer at all. */
export async function getCustomerHistory(pool: pg.Pool, datasetId: number, customerId: string): Promise<CustomerHistory | null> {
  const name = await datasetName(pool, datasetId);
  if (name === null) return null;
  const args = [datasetId, customerId];
  const preparing = !(await summariesCurrent(pool, datasetId));
  const [orders, segments, file] = await Promise.all([
    preparing ? { rows: [] as OrderRow[] } : pool.query<OrderRow>(sqlFile(CUSTOMER_QUERIES.orders).statement, args),
    pool.query(sqlFile(CUSTOMER_QUERIES.segments).statement, args),
    pool.query(sqlFile(CUSTOMER_QUERIES.file).statement, args),
  ]);
  // The totals row (the empty grouping set) comes back even without invoices: 0 of them.
  const total = orders.rows.find((r) => r.invoice_no === null && Number(r.invoices) > 0);
  const member = segments.rows.some((r) => r.segment_no !== null);
  if (!total && !file.rowCount && !member && !preparing) return null;
  const f = file.rows[0];
  return {
    datasetId,
    datasetName: name,
    customerId,
    preparing,
    invoices: orders.rows
      .filter((r) => r.invoice_no !== null)
      .map((r) => ({
        invoiceNo: r.invoice_no!,
        invoiceDate: r.invoice_date,
        country: r.country,
        lines: Number(r.lines),
        quantity: Number(r.quantity),
        value: Number(r.value),
        includedLines: Number(r.included_lines),
        includedValue: Number(r.included_value),
        rules: r.rules,
      })),
    totals: total
      ? {
          invoices: Number(total.invoices),
          includedInvoices: Number(total.included_invoices),
          lines: Number(total.lines),
          quantity: Number(total.quantity),
          value: Number(total.value),
          includedLines: Number(total.included_lines),
          includedValue: Number(total.included_value),
          firstInvoiceDate: total.invoice_date,
          lastInvoiceDate: total.last_invoice_date,
          rules: total.rules,
        }
      : { invoices: 0, includedInvoices: 0, lines: 0, quantity: 0, value: 0, includedLines: 0, includedValue: 0, firstInvoiceDate: null, lastInvoiceDate: null, rules: 0 },
    file: f ? { age: f.age, gender: f.gender, country: f.country, city: f.city, signupDate: f.signup_date, attributes: f.attributes ?? {} } : null,
    segments: segments.rows.map((r) => ({
      runId: r.run_id,
      method: r.method,
      createdAt: (r.created_at as Date).toISOString(),
      segmentNo: r.segment_no,
      segment: r.segment,
      recencyScore: r.recency_score,
      frequencyScore: r.frequency_score,
      monetaryScore: r.monetary_score,
      recencyDays: r.recency_days,
      frequency: r.frequency,
      monetary: num(r.monetary),
      pAlive: r.p_alive,
      expectedPurchases: r.expected_purchases,
      clv: num(r.clv),
    })),
  };
}
