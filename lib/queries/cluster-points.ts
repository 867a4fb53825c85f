import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile } from "./sql-file";

/** A (sampled) customer of a run with every feature a run can cluster on (lib/queries/sql/cluster-points.sql). */
export interface ClusterPoint {
  customerId: string;
  segmentNo: number;
  recencyDays: number;
  frequency: number;
  monetary: number;
  averageOrderValue: number;
  tenureDays: number;
  products: number;
  returnRate: number | null;
  age: number | null;
}

interface Row {
  customer_id: string;
  segment_no: number;
  recency_days: number;
  frequency: number;
  monetary: string;
  average_order_value: string;
  tenure_days: number;
  products: number;
  return_rate: string | null;
  age: number | null;
}

export const clusterPointsSql = () => sqlFile("cluster-points");

/** At most 3,000 customers of the run, sampled evenly per segment, saved with the run. */
export const clusterPointsQuery = (pool: pg.Pool, runId: number): CachedQuery<ClusterPoint[]> => ({
  name: "cluster-points",
  compute: async (db = pool) => {
    const { rows } = await db.query<Row>(clusterPointsSql().statement, [runId]);
    return rows.map((r) => ({
      customerId: r.customer_id,
      segmentNo: r.segment_no,
      recencyDays: r.recency_days,
      frequency: r.frequency,
      monetary: Number(r.monetary),
      averageOrderValue: Number(r.average_order_value),
      tenureDays: r.tenure_days,
      products: r.products,
      returnRate: r.return_rate === null ? null : Number(r.return_rate),
      age: r.age,
    }));
  },
});
export const getClusterPoints = (pool: pg.Pool, runId: number) => clusterPointsQuery(pool, runId).compute();
