import type pg from "pg";
import { z } from "zod";
import { datasetName } from "./datasets";
import { summariesCurrent } from "./preparation";
import { camelKeys, isoTime, num, numOrNull, rowOf, rowsOf } from "./rows";
import { sqlFile } from "./sql-file";

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

/** A run of the dataset, with the customer's segment, scores and values in it (null: not a member) (customer-segments.sql). */
export const CustomerRunSegment = z.object({
  runId: z.number(),
  method: z.string(),
  createdAt: isoTime,
  segmentNo: z.number().nullable(),
  segment: z.string().nullable(),
  recencyScore: z.number().nullable(),
  frequencyScore: z.number().nullable(),
  monetaryScore: z.number().nullable(),
  recencyDays: z.number().nullable(),
  frequency: z.number().nullable(),
  monetary: numOrNull,
  pAlive: z.number().nullable(),
  expectedPurchases: z.number().nullable(),
  clv: numOrNull,
});
export type CustomerRunSegment = z.infer<typeof CustomerRunSegment>;

/** The customer's row of the customers file (customer-file.sql). */
export const CustomerFile = z.object({
  age: z.number().nullable(),
  gender: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  signupDate: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()).nullable().transform((attributes) => attributes ?? {}),
});
export type CustomerFile = z.infer<typeof CustomerFile>;

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


/** A row of customer-orders.sql: an invoice, or (invoice_no null) the customer's totals. */
const OrderRow = z.object({
  invoice_no: z.string().nullable(),
  invoice_date: z.string(),
  last_invoice_date: z.string(),
  country: z.string().nullable(),
  invoices: num,
  lines: num,
  quantity: num,
  value: num,
  included_lines: num,
  included_value: num,
  included_invoices: num,
  rules: z.number(),
});
/** The totals row of a customer without invoices (on file only): its dates and sums are null. Left out. */
const NoInvoices = z.object({ invoice_no: z.null(), invoices: num.pipe(z.literal(0)) }).transform(() => null);

/** A customer's history in a dataset, or null when the dataset does not know the customer at all. */
export async function getCustomerHistory(pool: pg.Pool, datasetId: number, customerId: string): Promise<CustomerHistory | null> {
  const name = await datasetName(pool, datasetId);
  if (name === null) return null;
  const args = [datasetId, customerId];
  const preparing = !(await summariesCurrent(pool, datasetId));
  const [orderRows, segments, file] = await Promise.all([
    preparing ? [] : rowsOf(pool, z.union([OrderRow, NoInvoices]), sqlFile(CUSTOMER_QUERIES.orders).statement, args),
    rowsOf(pool, z.preprocess(camelKeys, CustomerRunSegment), sqlFile(CUSTOMER_QUERIES.segments).statement, args),
    rowOf(pool, z.preprocess(camelKeys, CustomerFile), sqlFile(CUSTOMER_QUERIES.file).statement, args),
  ]);
  // The totals row (an aggregate over no rows) comes back even without invoices: 0 of them (NoInvoices).
  const orders = orderRows.flatMap((r) => (r === null ? [] : [r]));
  const total = orders.find((r) => r.invoice_no === null);
  const member = segments.some((r) => r.segmentNo !== null);
  if (!total && !file && !member && !preparing) return null;
  return {
    datasetId,
    datasetName: name,
    customerId,
    preparing,
    invoices: orders.flatMap((r) =>
      r.invoice_no === null
        ? []
        : [
            {
              invoiceNo: r.invoice_no,
              invoiceDate: r.invoice_date,
              country: r.country,
              lines: r.lines,
              quantity: r.quantity,
              value: r.value,
              includedLines: r.included_lines,
              includedValue: r.included_value,
              rules: r.rules,
            },
          ],
    ),
    totals: total
      ? {
          invoices: total.invoices,
          includedInvoices: total.included_invoices,
          lines: total.lines,
          quantity: total.quantity,
          value: total.value,
          includedLines: total.included_lines,
          includedValue: total.included_value,
          firstInvoiceDate: total.invoice_date,
          lastInvoiceDate: total.last_invoice_date,
          rules: total.rules,
        }
      : { invoices: 0, includedInvoices: 0, lines: 0, quantity: 0, value: 0, includedLines: 0, includedValue: 0, firstInvoiceDate: null, lastInvoiceDate: null, rules: 0 },
    file,
    segments,
  };
}
