import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import type { CleaningCounts } from "../ingest/cleaning";
import { dropOrphanPartitions } from "../ingest/storage";
import { forgetCached, savedAnswers } from "../queries/cache";
import { cleaningCountsQuery } from "../queries/cleaning-counts";
import type { DatasetFigures } from "../queries/dataset-figures";
import { preparerFor, type PreparationState } from "./preparation";
import { datasetExists } from "../queries/datasets";

export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
}

/** What is ready to read of a dataset: prepared once every answer its pages read is saved for its current data. */
export interface DatasetReadiness {
  /** Goes up with every load. */
  dataVersion: number;
  /** True when every page of the current data is ready. */
  prepared: boolean;
  /** The preparation under way (or the last one), step by step; null before the first. */
  preparation: PreparationState | null;
}

export interface DatasetSummary extends DatasetReadiness {
  id: number;
  name: string;
  description: string | null;
  isSample: boolean;
  createdAt: string;
  /** Null until the preparation after the last load has computed them. */
  figures: DatasetFigures | null;
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
  /** Null until prepared. */
  cleaning: CleaningCounts | null;
  customersOnFile: number;
  imports: ImportSummary[];
}

interface DatasetRow {
  id: number;
  name: string;
  description: string | null;
  is_sample: boolean;
  created_at: Date;
  data_version: number;
  prepared: boolean;
  preparation: PreparationState | null;
  figures: DatasetFigures | null;
}

/** Datasets with their readiness and their saved figures (of their current data), in one statement. */
const DATASETS_SQL = `select d.id, d.name, d.description, d.is_sample, d.created_at, d.data_version,
         d.prepared_version is not distinct from d.data_version as prepared, d.preparation, q.rows as figures
  from datasets d
  left join query_results q on q.scope = 'dataset:' || d.id and q.name = 'dataset-figures' and q.version = d.data_version`;

function summaryOf(r: DatasetRow): DatasetSummary {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    isSample: r.is_sample,
    createdAt: r.created_at.toISOString(),
    dataVersion: r.data_version,
    prepared: r.prepared,
    // A preparation of older data says nothing of the current one (which is queued).
    preparation: r.preparation?.version === r.data_version ? r.preparation : null,
    figures: r.figures,
  };
}

/** Every dataset, newest first, with its headline figures as saved (lib/queries/sql/dataset-figures.sql): one query whatever their number. */
export async function listDatasets(db: Db): Promise<DatasetSummary[]> {
  const { rows } = await db.pool.query<DatasetRow>(`${DATASETS_SQL} order by d.created_at desc, d.id desc`);
  return rows.map(summaryOf);
}

/** One dataset with its figures, cleaning counts and import history; null when there is no such dataset. */
export async function getDataset(db: Db, id: number): Promise<DatasetDetail | null> {
  const [{ rows }, detail, [cleaning]] = await Promise.all([
    db.pool.query<DatasetRow>(`${DATASETS_SQL} where d.id = $1`, [id]),
    db.prisma.dataset.findUnique({ where: { id }, select: { imports: { orderBy: { id: "desc" } }, _count: { select: { customers: true } } } }),
    savedAnswers(db.pool, { datasetId: id }, [cleaningCountsQuery(db.pool, id)] as const),
  ]);
  if (!rows[0] || !detail) return null;
  return {
    ...summaryOf(rows[0]),
    cleaning,
    customersOnFile: detail._count.customers,
    imports: detail.imports.map((i) => ({
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

/**
 * Deletes a dataset with its customers, imports, runs and saved answers in one
 * transaction, then drops its partitions (lines, summaries, its runs'
 * members: tables, not rows; storage.ts) and cancels its preparation.
 */
export async function deleteDataset(pool: pg.Pool, id: number): Promise<boolean> {
  const preparer = preparerFor(pool);
  await preparer.cancel("dataset", id);
  const runs = await pool.query<{ id: number }>("select id from segmentation_runs where dataset_id = $1", [id]);
  for (const run of runs.rows) await preparer.cancel("run", run.id);
  const client = await pool.connect();
  let deleted = false;
  try {
    await client.query("begin");
    if (await datasetExists(client, id, { lock: true })) {
      await forgetCached(client, id);
      await client.query("delete from datasets where id = $1", [id]);
      deleted = true;
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
  if (deleted) await dropOrphanPartitions(pool);
  return deleted;
}

/** GET /api/datasets/{id}/preparation: how far the preparation got, with its steps done and planned. */
export type DatasetReadinessAnswer = DatasetReadiness & { done: number; steps: number };

/** How far a dataset's preparation got (what the pages' refresher asks); null when there is no such dataset. */
export async function getDatasetReadiness(pool: pg.Pool, id: number): Promise<DatasetReadinessAnswer | null> {
  const { rows } = await pool.query<{ data_version: number; prepared: boolean; preparation: PreparationState | null }>(
    "select data_version, prepared_version is not distinct from data_version as prepared, preparation from datasets where id = $1",
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  const steps = r.preparation?.version === r.data_version ? r.preparation.steps : [];
  return { dataVersion: r.data_version, prepared: r.prepared, preparation: r.preparation, done: steps.filter((s) => s.done).length, steps: steps.length };
}
