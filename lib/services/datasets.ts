import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import { getDatasetFigures, type DatasetFigures } from "../queries/dataset-figures";

export interface DatasetSummary {
  id: number;
  name: string;
  description: string | null;
  isSample: boolean;
  createdAt: string;
  figures: DatasetFigures;
}

/** Every dataset, newest first (Prisma), with its headline figures (lib/queries/sql/dataset-figures.sql). */
export async function listDatasets(db: { prisma: PrismaClient; pool: pg.Pool }): Promise<DatasetSummary[]> {
  const datasets = await db.prisma.dataset.findMany({
    select: { id: true, name: true, description: true, isSample: true, createdAt: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return Promise.all(
    datasets.map(async (d) => ({ ...d, createdAt: d.createdAt.toISOString(), figures: await getDatasetFigures(db.pool, d.id) })),
  );
}
