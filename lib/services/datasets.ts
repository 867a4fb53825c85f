import type pg from "pg";
import { getDatasetFigures, type DatasetFigures } from "../queries/dataset-figures";

export interface DatasetSummary {
  id: number;
  name: string;
  description: string | null;
  isSample: boolean;
  createdAt: string;
  figures: DatasetFigures;
}

/** Every dataset, newest first, with its headline figures (lib/queries/sql/dataset-figures.sql). */
export async function listDatasets(pool: pg.Pool): Promise<DatasetSummary[]> {
  const { rows } = await pool.query<{ id: number; name: string; description: string | null; is_sample: boolean; created_at: Date }>(
    "select id, name, description, is_sample, created_at from datasets order by created_at desc, id desc",
  );
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      isSample: r.is_sample,
      createdAt: r.created_at.toISOString(),
      figures: await getDatasetFigures(pool, r.id),
    })),
  );
}
