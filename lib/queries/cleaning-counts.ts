import type pg from "pg";
import { ensureSummaries } from "../ingest/summaries";
import type { CleaningCounts } from "../ingest/cleaning";
import { sqlFile } from "./sql-file";

type Row = Record<"no_customer" | "cancellation" | "adjustment" | "non_product" | "bad_price" | "duplicate" | "excluded" | "included", string>;

export const cleaningCountsSql = () => sqlFile("cleaning-counts");

export async function getCleaningCounts(pool: pg.Pool, datasetId: number): Promise<CleaningCounts> {
  await ensureSummaries(pool, datasetId);
  const { rows } = await pool.query<Row>(cleaningCountsSql().statement, [datasetId]);
  const r = rows[0]!;
  return {
    noCustomer: Number(r.no_customer),
    cancellation: Number(r.cancellation),
    adjustment: Number(r.adjustment),
    nonProduct: Number(r.non_product),
    badPrice: Number(r.bad_price),
    duplicate: Number(r.duplicate),
    excluded: Number(r.excluded),
    included: Number(r.included),
  };
}
