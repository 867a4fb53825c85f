import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile } from "./sql-file";

/** One cell of an RFM run's recency score × frequency score grid (lib/queries/sql/rfm-grid.sql). */
export interface RfmGridCell {
  recencyScore: number;
  frequencyScore: number;
  customers: number;
  customerShare: number;
  revenue: number;
  /** Revenue per customer; null in an empty cell. */
  meanMonetary: number | null;
  meanRecencyDays: number | null;
  /** The segment most of the cell's customers are in; null in an empty cell. */
  topSegment: string | null;
  topSegmentCustomers: number | null;
}

interface Row {
  recency_score: number;
  frequency_score: number;
  customers: string;
  customer_share: string | null;
  revenue: string;
  mean_monetary: string | null;
  mean_recency_days: string | null;
  top_segment: string | null;
  top_segment_customers: string | null;
}

export const rfmGridSql = () => sqlFile("rfm-grid");

const num = (v: string | null) => (v === null ? null : Number(v));

/** The grid of an RFM run (empty for runs of another method), saved with the run. */
export const rfmGridQuery = (pool: pg.Pool, runId: number): CachedQuery<RfmGridCell[]> => ({
  name: "rfm-grid",
  compute: async (db = pool) => {
    const { rows } = await db.query<Row>(rfmGridSql().statement, [runId]);
    return rows.map((r) => ({
      recencyScore: r.recency_score,
      frequencyScore: r.frequency_score,
      customers: Number(r.customers),
      customerShare: Number(r.customer_share ?? 0),
      revenue: Number(r.revenue),
      meanMonetary: num(r.mean_monetary),
      meanRecencyDays: num(r.mean_recency_days),
      topSegment: r.top_segment,
      topSegmentCustomers: num(r.top_segment_customers),
    }));
  },
});
export const getRfmGrid = (pool: pg.Pool, runId: number) => rfmGridQuery(pool, runId).compute();
