import type pg from "pg";
import { cached } from "./cache";
import { sqlFile } from "./sql-file";

export const segmentableCustomersSql = () => sqlFile("segmentable-customers");

/** Customers a run with the default settings segments (lib/queries/sql/segmentable-customers.sql), saved per data version. */
export async function getSegmentableCustomers(pool: pg.Pool, datasetId: number): Promise<number> {
  return cached(pool, { datasetId }, "segmentable-customers", async () => {
    const { rows } = await pool.query<{ customers: string }>(segmentableCustomersSql().statement, [datasetId]);
    return Number(rows[0]?.customers ?? 0);
  });
}
