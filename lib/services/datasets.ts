import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import type { CleaningCounts } from "../ingest/cleaning";
import { deleteSummaries, ensureSummaries } from "../ingest/summaries";
import { warmOverview } from "./overview";
import { forgetCached } from "../queries/cache";
import { getCleaningCounts } from "../queries/cleaning-counts";
import { getDatasetFigures, type DatasetFigures } from "../queries/dataset-figures";

export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
}

export interface DatasetSummary {
  id: number;
  name: string;
  description: string | null;
  isSample: boolean;
  createdAt: string;
  figures: DatasetFigures;
}

export interface ImportSummary {
  id: number;
  kind: string;
  mode: string;
  status: string;
  fileName: string;
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
  report: unknown;
  error: unknown;
  startedAt: string;
  finishedAt: string | null;
}

export interface DatasetDetail extends DatasetSummary {
  cleaning: CleaningCounts;
  customersOnFile: number;
  imports: ImportSummary[];
}

const DATASET_FIELDS = { id: true, name: true, description: true, isSample: true, createdAt: true } as const;

/** Every dataset, newest first (Prisma), with its headline figures (lib/queries/sql/dataset-figures.sql). */
export async function listDatasets(db: Db): Promise<DatasetSummary[]> {
  const datasets = await db.prisma.dataset.findMany({ select: DATASET_FIELDS, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return Promise.all(datasets.map(async (d) => ({ ...d, createdAt: d.createdAt.toISOString(), figures: await getDatasetFigures(db.pool, d.id) })));
}

/** One dataset with its figures, cleaning counts and import history; null when there is no such dataset. */
export async function getDataset(db: Db, id: number): Promise<DatasetDetail | null> {
  const dataset = await db.prisma.dataset.findUnique({
    where: { id },
    select: { ...DATASET_FIELDS, imports: { orderBy: { id: "desc" } }, _count: { select: { customers: true } } },
  });
  if (!dataset) return null;
  const [figures, cleaning] = await Promise.all([getDatasetFigures(db.pool, id), getCleaningCounts(db.pool, id)]);
  const { imports, _count, ...rest } = dataset;
  return {
    ...rest,
    createdAt: dataset.createdAt.toISOString(),
    figures,
    cleaning,
    customersOnFile: _count.customers,
    imports: imports.map((i) => ({
      id: i.id,
      kind: i.kind,
      mode: i.mode,
      status: i.status,
      fileName: i.fileName,
      bytes: Number(i.byteCount),
      rowsRead: i.rowCount,
      rowsLoaded: i.rowsLoaded,
      report: i.report,
      error: i.error,
      startedAt: i.startedAt.toISOString(),
      finishedAt: i.finishedAt?.toISOString() ?? null,
    })),
  };
}

/** Deletes a dataset with its lines and run memberships (bulk tables without foreign keys, for loading speed), customers, imports and runs, in one transaction. */
export async function deleteDataset(pool: pg.Pool, id: number): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const { rowCount } = await client.query("select 1 from datasets where id = $1 for update", [id]);
    if (rowCount) {
      await deleteSummaries(client, id);
      await forgetCached(client, id);
      await client.query("delete from transaction_lines where dataset_id = $1", [id]);
      await client.query("delete from segment_members where run_id in (select id from segmentation_runs where dataset_id = $1)", [id]);
      await client.query("delete from datasets where id = $1", [id]);
    }
    await client.query("commit");
    return Boolean(rowCount);
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Gets a dataset ready to read after a load: its summary (invoice_totals)
 * built and its overview's queries answered and saved, so the first reader
 * does not wait. The upload routes run it once the answer is sent, and the
 * launcher at start for any dataset that needs it.
 */
export async function prepareDataset(pool: pg.Pool, id: number): Promise<void> {
  await ensureSummaries(pool, id);
  await Promise.all([warmOverview(pool, id), getDatasetFigures(pool, id), getCleaningCounts(pool, id)]);
}

/** prepareDataset for every dataset; returns the ids. */
export async function prepareAllDatasets(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>("select id from datasets order by id");
  for (const { id } of rows) await prepareDataset(pool, id);
  return rows.map((r) => r.id);
}
