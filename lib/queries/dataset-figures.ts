import type pg from "pg";
import { z } from "zod";
import type { CachedQuery } from "./cache";
import { fileSingleRow } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

export const DatasetFigures = z.object({
  lines: num,
  invoices: num,
  customers: num,
  /** Sum of line values (the line's total, else quantity x unit price) over all lines, as PostgreSQL's exact decimal text. */
  revenue: z.string(),
  firstInvoiceAt: z.string().nullable(),
  lastInvoiceAt: z.string().nullable(),
  countries: num,
  /** Customers in the dataset's customers file(s). */
  customersOnFile: num,
  /** Customers and revenue after the default cleaning (what a run at the defaults counts); absent from answers saved before they were asked. */
  customersKept: num.optional(),
  revenueKept: z.string().optional(),
});
export type DatasetFigures = z.infer<typeof DatasetFigures>;

export const datasetFiguresSql = () => sqlFile("dataset-figures");

/** Saved per dataset version (query_results), so the home page reads every dataset's figures back. */
export const datasetFiguresQuery = (pool: pg.Pool, datasetId: number): CachedQuery<DatasetFigures> => ({
  name: "dataset-figures",
  compute: (db = pool) => fileSingleRow(db, "dataset-figures", datasetId, DatasetFigures),
  parse: (saved) => DatasetFigures.parse(saved),
});
export const getDatasetFigures = (pool: pg.Pool, datasetId: number) => datasetFiguresQuery(pool, datasetId).compute();
