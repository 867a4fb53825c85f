import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile } from "./sql-file";

export const segmentableCustomersSql = () => sqlFile("segmentable-customers");

/** Customers a run with the default settings segments (lib/queries/sql/segmentable-customers.sql), saved per data version. */
export const segmentableCustomersQuery = (pool: pg.Pool, datasetId: number): CachedQuery<number> => ({
  name: "segmentable-customers",
  compute: async (db = pool) => {
    const { rows } = await db.query<{ customers: string }>(segmentableCustomersSql().statement, [datasetId]);
    return Number(rows[0]?.customers ?? 0);
  },
});
export const getSegmentableCustomers = (pool: pg.Pool, datasetId: number) => segmentableCustomersQuery(pool, datasetId).compute();
