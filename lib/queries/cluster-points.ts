import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num, numOrNull } from "./rows";
import { sqlFile } from "./sql-file";

/** A (sampled) customer of a run with every feature a run can cluster on (lib/queries/sql/cluster-points.sql). */
export const ClusterPoint = z.object({
  customerId: z.string(),
  segmentNo: num,
  recencyDays: num,
  frequency: num,
  monetary: num,
  averageOrderValue: num,
  tenureDays: num,
  products: num,
  returnRate: numOrNull,
  age: numOrNull,
});
export type ClusterPoint = z.infer<typeof ClusterPoint>;

export const clusterPointsSql = () => sqlFile("cluster-points");

/** At most 3,000 customers of the run, sampled evenly per segment, saved with the run. */
export const clusterPointsQuery = (pool: pg.Pool, runId: number) => fileQuery(pool, "cluster-points", runId, ClusterPoint);
export const getClusterPoints = (pool: pg.Pool, runId: number) => clusterPointsQuery(pool, runId).compute();
