import type pg from "pg";
import { z } from "zod";
import type { CachedQuery } from "./cache";
import type * as cleaning from "../ingest/cleaning";
import { fileSingleRow } from "./file-query";
import { num, type Same } from "./rows";
import { sqlFile } from "./sql-file";

/** Lines per cleaning rule (lib/queries/sql/cleaning-counts.sql): CleaningCounts of lib/ingest/cleaning.ts, which takes no zod. */
const CleaningCounts = z.object({
  noCustomer: num,
  cancellation: num,
  adjustment: num,
  nonProduct: num,
  badPrice: num,
  duplicate: num,
  excluded: num,
  included: num,
});
const _sameCounts: Same<z.infer<typeof CleaningCounts>, cleaning.CleaningCounts> = true;

export const cleaningCountsSql = () => sqlFile("cleaning-counts");

export const cleaningCountsQuery = (pool: pg.Pool, datasetId: number): CachedQuery<cleaning.CleaningCounts> => ({
  name: "cleaning-counts",
  compute: (db = pool) => fileSingleRow(db, "cleaning-counts", datasetId, CleaningCounts),
  parse: (saved) => CleaningCounts.parse(saved),
});
export const getCleaningCounts = (pool: pg.Pool, datasetId: number) => cleaningCountsQuery(pool, datasetId).compute();
