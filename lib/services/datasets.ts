import type pg from "pg";
import type { CleaningCounts } from "../ingest/cleaning";
import { dropOrphanPartitions } from "../ingest/storage";
import { savedAnswers } from "../queries/cache";
import { cleaningCountsQuery } from "../queries/cleaning-counts";
import type { DatasetFigures } from "../queries/dataset-figures";
import { preparerFor, type PreparationState } from "./preparation";
import { ForbiddenError, InputError, NotFoundError } from "../errors";
import { guessCurrency, isCurrencyCode } from "../currency";
import type { AuthUser } from "../queries/accounts";
import { customerCount, datasetChoices, datasetCreator, setDatasetCreator, datasetName, datasetReadinessRecord, datasetRecords, deleteDatasetRecord, importsOfDataset, runIdsOfDataset, setDatasetCurrencyRecord, datasetCurrencyRecord, type DatasetRecord } from "../queries/datasets";


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
  /** The currency amounts are in (ISO 4217): the analyst's choice, else guessed from the countries; null when neither says. */
  currency: string | null;
  /** True when `currency` is the guess (the analyst has not chosen one). */
  currencyGuessed: boolean;
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
    ...currencyOf(r),
  };
}

/** The analyst's currency, else the guess from the countries' revenue (lib/currency.ts). */
function currencyOf(r: Pick<DatasetRecord, "currency" | "countries">): { currency: string | null; currencyGuessed: boolean } {
  if (r.currency) return { currency: r.currency, currencyGuessed: false };
  return { currency: guessCurrency(r.countries ?? []), currencyGuessed: true };
}

/** A dataset's currency (chosen, else guessed), for the pages and exports of its runs; null when there is none or no such dataset. */
export async function datasetCurrency(pool: pg.Pool, id: number): Promise<string | null> {
  const record = await datasetCurrencyRecord(pool, id);
  return record ? currencyOf(record).currency : null;
}

/** Sets a dataset's currency ("" or null: back to the guess). An InputError names `currency` when the code is not ISO 4217; NotFoundError without the dataset. */
export async function setDatasetCurrency(pool: pg.Pool, id: number, code: string | null): Promise<void> {
  const currency = code === null || code.trim() === "" ? null : code.trim().toUpperCase();
  if (currency !== null && !isCurrencyCode(currency)) throw new InputError("currency", `"${code}" is not a currency code: use ISO 4217, such as GBP, EUR or USD.`);
  if (!(await setDatasetCurrencyRecord(pool, id, currency))) throw new NotFoundError("There is no such dataset.");
}

/** Every dataset, newest first, with its headline figures as saved (lib/queries/sql/dataset-figures.sql): one query whatever their number. */
export async function listDatasets(pool: pg.Pool): Promise<DatasetSummary[]> {
  return (await datasetRecords(pool)).map(summaryOf);
}

/** One dataset with its figures, cleaning counts and import history; null when there is no such dataset. */
export async function getDataset(pool: pg.Pool, id: number): Promise<DatasetDetail | null> {
  const [rows, imports, customers, [cleaning]] = await Promise.all([
    datasetRecords(pool, id),
    importsOfDataset(pool, id),
    customerCount(pool, id),
    savedAnswers(pool, { datasetId: id }, [cleaningCountsQuery(pool, id)] as const),
  ]);
  if (!rows[0]) return null;
  return { ...summaryOf(rows[0]), cleaning, customersOnFile: customers, imports };
}

/**
 * Deletes a dataset for someone: only its uploader or an admin may (ForbiddenError); a dataset with no
 * recorded uploader (the sample, and those loaded before uploaders were recorded) only an admin. False when
 * there is no such dataset.
 */
export async function deleteDatasetAs(pool: pg.Pool, user: AuthUser, id: number): Promise<boolean> {
  const found = await datasetCreator(pool, id);
  if (!found) return false;
  if (user.role !== "admin" && (user.role === "viewer" || found.createdBy !== user.id)) {
    throw new ForbiddenError(found.createdBy === null ? "Only an admin may delete this dataset." : "Only the analyst who uploaded this dataset, or an admin, may delete it.");
  }
  return deleteDataset(pool, id);
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

/** The uploader of a new dataset (who may delete it besides admins). */
export const recordUploader = (pool: pg.Pool, datasetId: number, user: AuthUser) => setDatasetCreator(pool, datasetId, user.id);

/** A dataset's name (pages' titles), or null. */
export const datasetTitle = (pool: pg.Pool, id: number) => datasetName(pool, id);

/** Every dataset's id and name, newest first (where an upload may go). */
export const uploadTargets = (pool: pg.Pool) => datasetChoices(pool);
