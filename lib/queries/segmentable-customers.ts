import type pg from "pg";
import { z } from "zod";
import type { CachedQuery } from "./cache";
import { fileRow } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

export const segmentableCustomersSql = () => sqlFile("segmentable-customers");

const Row = z.object({ customers: num });

/** Customers a run with the default settings segments (lib/queries/sql/segmentable-customers.sql), saved per data version. */
export const segmentableCustomersQuery = (pool: pg.Pool, datasetId: number): CachedQuery<number> => ({
  name: "segmentable-customers",
  compute: async (db = pool) => (await fileRow(db, "segmentable-customers", datasetId, Row))?.customers ?? 0,
  parse: (saved) => num.parse(saved),
});
export const getSegmentableCustomers = (pool: pg.Pool, datasetId: number) => segmentableCustomersQuery(pool, datasetId).compute();
