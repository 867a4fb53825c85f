import type pg from "pg";
import { sqlFile } from "./sql-file";

/** A segmentation run of a dataset, as listed (lib/queries/sql/segmentation-runs.sql). */
export interface RunListItem {
  id: number;
  method: "rfm" | "kmeans" | "hierarchical";
  params: Record<string, unknown>;
  /** Segments with at least one customer. */
  segments: number;
  customers: number;
  durationMs: number;
  createdAt: string;
}

interface Row {
  id: number;
  method: RunListItem["method"];
  params: Record<string, unknown>;
  segments: string;
  customers: number;
  duration_ms: number;
  created_at: Date;
}

export const segmentationRunsSql = () => sqlFile("segmentation-runs");

/** Every run of the dataset, newest first. Not saved in query_results: a new run changes it without a new data version. */
export async function getSegmentationRuns(pool: pg.Pool, datasetId: number): Promise<RunListItem[]> {
  const { rows } = await pool.query<Row>(segmentationRunsSql().statement, [datasetId]);
  return rows.map((r) => ({
    id: r.id,
    method: r.method,
    params: r.params,
    segments: Number(r.segments),
    customers: r.customers,
    durationMs: r.duration_ms,
    createdAt: r.created_at.toISOString(),
  }));
}
