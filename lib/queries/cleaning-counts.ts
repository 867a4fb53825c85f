import type pg from "pg";
import type { CachedQuery } from "./cache";
import type { CleaningCounts } from "../ingest/cleaning";
import { sqlFile } from "./sql-file";

type Row = Record<"no_customer" | "cancellation" | "adjustment" | "non_product" | "bad_price" | "duplicate" | "excluded" | "included", string>;

export const cleaningCountsSql = () => sqlFile("cleaning-counts");

export const cleaningCountsQuery = (pool: pg.Pool, datasetId: number): CachedQuery<CleaningCounts> => ({
  name: "cleaning-counts",
  compute: async (db = pool) => {
    const { rows } = await db.query<Row>(cleaningCountsSql().statement, [datasetId]);
    return countsOf(rows[0]!);
  },
});
export const getCleaningCounts = (pool: pg.Pool, datasetId: number) => cleaningCountsQuery(pool, datasetId).compute();

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
