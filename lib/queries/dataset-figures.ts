import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile } from "./sql-file";

export interface DatasetFigures {
  lines: number;
  invoices: number;
  customers: number;
  /** Sum of quantity x unit price over all lines, as PostgreSQL's exact decimal text. */
  revenue: string;
  firstInvoiceAt: string | null;
  lastInvoiceAt: string | null;
  countries: number;
}

interface Row {
  lines: string;
  invoices: string;
  customers: string;
  revenue: string;
  first_invoice_at: string | null;
  last_invoice_at: string | null;
  countries: string;
}

export const datasetFiguresSql = () => sqlFile("dataset-figures");

/** Saved per dataset version (query_results), so the home page reads every dataset's figures back. */
export const datasetFiguresQuery = (pool: pg.Pool, datasetId: number): CachedQuery<DatasetFigures> => ({
  name: "dataset-figures",
  compute: async (db = pool) => {
    const { rows } = await db.query<Row>(datasetFiguresSql().statement, [datasetId]);
    return figuresOf(rows[0]!);
  },
});
export const getDatasetFigures = (pool: pg.Pool, datasetId: number) => datasetFiguresQuery(pool, datasetId).compute();

function figuresOf(r: Row): DatasetFigures {
  return {
    lines: Number(r.lines),
    invoices: Number(r.invoices),
    customers: Number(r.customers),
    revenue: r.revenue,
    firstInvoiceAt: r.first_invoice_at,
    lastInvoiceAt: r.last_invoice_at,
    countries: Number(r.countries),
  };
}
