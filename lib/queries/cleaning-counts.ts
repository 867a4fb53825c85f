import type pg from "pg";
import { cached } from "./cache";
import type { CleaningCounts } from "../ingest/cleaning";
import { sqlFile } from "./sql-file";

type Row = Record<"no_customer" | "cancellation" | "adjustment" | "non_product" | "bad_price" | "duplicate" | "excluded" | "included", string>;

export const cleaningCountsSql = () => sqlFile("cleaning-counts");

export async function getCleaningCounts(pool: pg.Pool, datasetId: number): Promise<CleaningCounts> {
  return cached(pool, { datasetId }, "cleaning-counts", async () => {
    const { rows } = await pool.query<Row>(cleaningCountsSql().statement, [datasetId]);
    return countsOf(rows[0]!);
  });
}

function countsOf(r: Row): CleaningCounts {
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
