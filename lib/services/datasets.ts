import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import type { CleaningCounts } from "../ingest/cleaning";
import { dropOrphanPartitions } from "../ingest/storage";
import { savedAnswers } from "../queries/cache";
import { cleaningCountsQuery } from "../queries/cleaning-counts";
import type { DatasetFigures } from "../queries/dataset-figures";
import { preparerFor, type PreparationState } from "./preparation";
import { datasetReadinessRecord, datasetRecords, deleteDatasetRecord, runIdsOfDataset, type DatasetRecord } from "../queries/datasets";

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

function summaryOf(r: DatasetRecord): DatasetSummary {
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
  return (await datasetRecords(db.pool)).map(summaryOf);
}

/** One dataset with its figures, cleaning counts and import history; null when there is no such dataset. */
export async function getDataset(db: Db, id: number): Promise<DatasetDetail | null> {
  const [rows, detail, [cleaning]] = await Promise.all([
    datasetRecords(db.pool, id),
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
  for (const runId of await runIdsOfDataset(pool, id)) await preparer.cancel("run", runId);
  const deleted = await deleteDatasetRecord(pool, id);
  if (deleted) await dropOrphanPartitions(pool);
  return deleted;
}

/** GET /api/datasets/{id}/preparation: how far the preparation got, with its steps done and planned. */
export type DatasetReadinessAnswer = DatasetReadiness & { done: number; steps: number };

/** How far a dataset's preparation got (what the pages' refresher asks); null when there is no such dataset. */
export async function getDatasetReadiness(pool: pg.Pool, id: number): Promise<DatasetReadinessAnswer | null> {
  const r = await datasetReadinessRecord(pool, id);
  if (!r) return null;
  const steps = r.preparation?.version === r.data_version ? r.preparation.steps : [];
  return { dataVersion: r.data_version, prepared: r.prepared, preparation: r.preparation, done: steps.filter((s) => s.done).length, steps: steps.length };
}
