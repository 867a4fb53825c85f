import type pg from "pg";
import { z } from "zod";
import { NotFoundError } from "../errors";
import { forgetCached } from "./cache";
import { DatasetFigures } from "./dataset-figures";
import { rowOf, type Queryable } from "./rows";
import { inTransaction } from "./transaction";

/**
 * Datasets as records (the data-access layer's CRUD side; their analytics are
 * the .sql files of lib/queries/sql).
 */

/** Whether the dataset exists; `lock` holds its row until the caller's transaction ends (loads into it wait for each other). */
export async function datasetExists(db: pg.ClientBase | pg.Pool, id: number, options: { lock?: boolean } = {}): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from datasets where id = $1${options.lock ? " for update" : ""}`, [id]);
  return (rowCount ?? 0) > 0;
}

/** The dataset must exist: a NotFoundError ("There is no dataset {id}.") otherwise. */
export async function requireDataset(db: pg.ClientBase | pg.Pool, id: number): Promise<void> {
  if (!(await datasetExists(db, id))) throw new NotFoundError(`There is no dataset ${id}.`);
}

/** The name of the dataset a run segmented, or null when there is no such run. */
export async function datasetNameOfRun(db: pg.ClientBase | pg.Pool, runId: number): Promise<string | null> {
  const row = await rowOf(db, z.object({ name: z.string() }), "select d.name from segmentation_runs r join datasets d on d.id = r.dataset_id where r.id = $1", [runId]);
  return row?.name ?? null;
}

/** Whether a transactions file with rows went into the dataset (known at once after a load, before its preparation). */
export async function datasetHasTransactions(db: pg.ClientBase | pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from imports where dataset_id = $1 and kind = 'transactions' and status = 'succeeded' and rows_loaded > 0 limit 1", [id]);
  return (rowCount ?? 0) > 0;
}

/** Whether a customers file was loaded into the dataset. */
export async function datasetHasCustomersFile(db: pg.ClientBase | pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from customers where dataset_id = $1 limit 1", [id]);
  return (rowCount ?? 0) > 0;
}

/** One step of a dataset's or a run's preparation, as datasets.preparation keeps it. */
const PreparationStep = z.object({ key: z.string(), label: z.string(), done: z.boolean(), ms: z.number().optional() });
export type PreparationStep = z.infer<typeof PreparationStep>;

/** The preparation under way after a load (or the last one), step by step (the datasets.preparation column). */
const PreparationState = z.object({ version: z.number(), startedAt: z.string(), steps: z.array(PreparationStep), finishedAt: z.string().optional(), error: z.string().optional() });
export type PreparationState = z.infer<typeof PreparationState>;

const DatasetRecord = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  is_sample: z.boolean(),
  created_at: z.date(),
  data_version: z.number(),
  prepared: z.boolean(),
  preparation: PreparationState.nullable(),
  /** dataset-figures.sql's saved answer for the current data (a JSON row; null until prepared). */
  figures: DatasetFigures.nullable(),
  /** The currency the analyst chose (ISO 4217), or null. */
  currency: z.string().nullable(),
  /** Revenue per invoice country (country-totals.sql's saved answer, for the currency guess); null until prepared. */
  countries: z.array(z.object({ country: z.string(), revenue: z.coerce.number() })).nullable(),
});
export type DatasetRecord = z.infer<typeof DatasetRecord>;

/** Datasets (all, newest first, or one) with their readiness and their saved figures (of their current data), in one statement. */
export async function datasetRecords(db: pg.Pool, id?: number): Promise<DatasetRecord[]> {
  const { rows } = await db.query(
    `select d.id, d.name, d.description, d.is_sample, d.created_at, d.data_version,
            d.prepared_version is not distinct from d.data_version as prepared, d.preparation, q.rows as figures,
            trim(d.currency) as currency, c.rows as countries
     from datasets d
     left join query_results q on q.scope = 'dataset:' || d.id and q.name = 'dataset-figures' and q.version = d.data_version
     left join query_results c on c.scope = 'dataset:' || d.id and c.name = 'country-totals' and c.version = d.data_version
     where $1::int is null or d.id = $1
     order by d.created_at desc, d.id desc`,
    [id ?? null],
  );
  return rows.map((r) => DatasetRecord.parse(r));
}

export async function runIdsOfDataset(db: pg.Pool, id: number): Promise<number[]> {
  const { rows } = await db.query("select id from segmentation_runs where dataset_id = $1 order by id", [id]);
  return rows.map((r) => z.object({ id: z.number() }).parse(r).id);
}

/** Who uploaded a dataset: `{ createdBy }` (null: unknown, older than the column, or the sample), or null when there is no such dataset. */
export async function datasetCreator(db: pg.Pool, id: number): Promise<{ createdBy: number | null } | null> {
  const { rows } = await db.query("select created_by from datasets where id = $1", [id]);
  return rows[0] === undefined ? null : { createdBy: z.object({ created_by: z.number().nullable() }).parse(rows[0]).created_by };
}

/** Records who uploaded a dataset (once: a later load into it by someone else does not change it). */
export async function setDatasetCreator(db: pg.Pool, id: number, userId: number): Promise<void> {
  await db.query("update datasets set created_by = $2 where id = $1 and created_by is null", [id, userId]);
}

/** Deletes a dataset with its customers, imports, runs and saved answers in one transaction; false when there was none. */
export async function deleteDatasetRecord(pool: pg.Pool, id: number): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const found = await datasetExists(client, id, { lock: true });
    if (found) {
      await forgetCached(client, id);
      await client.query("delete from datasets where id = $1", [id]);
    }
    return found;
  });
}

/** A dataset's version, whether it is prepared, and its preparation; null when there is no such dataset. */
export async function datasetReadinessRecord(db: pg.Pool, id: number): Promise<{ data_version: number; prepared: boolean; preparation: PreparationState | null } | null> {
  const { rows } = await db.query("select data_version, prepared_version is not distinct from data_version as prepared, preparation from datasets where id = $1", [id]);
  return rows[0] === undefined ? null : DatasetRecord.pick({ data_version: true, prepared: true, preparation: true }).parse(rows[0]);
}

/** A dataset's name, or null when there is no such dataset. */
export async function datasetName(db: pg.Pool, id: number): Promise<string | null> {
  const { rows } = await db.query("select name from datasets where id = $1", [id]);
  return rows[0] === undefined ? null : z.object({ name: z.string() }).parse(rows[0]).name;
}

/** Every dataset's id and name, newest first (the upload page's choice of target). */
export async function datasetChoices(db: pg.Pool): Promise<{ id: number; name: string }[]> {
  const { rows } = await db.query("select id, name from datasets order by id desc");
  return rows.map((r) => z.object({ id: z.number(), name: z.string() }).parse(r));
}

/** Customers loaded from the dataset's customers file. */
export async function customerCount(db: pg.Pool, id: number): Promise<number> {
  const { rows } = await db.query("select count(*)::int as n from customers where dataset_id = $1", [id]);
  return z.object({ n: z.number() }).parse(rows[0]).n;
}

const ImportRecord = z.object({
  id: z.number(),
  kind: z.string(),
  mode: z.string(),
  status: z.string(),
  fileName: z.string(),
  bytes: z.number(),
  rowsRead: z.number(),
  rowsLoaded: z.number(),
  report: z.unknown(),
  error: z.unknown(),
  startedAt: z.date().transform((d) => d.toISOString()),
  finishedAt: z.date().nullable().transform((d) => d?.toISOString() ?? null),
});
export type ImportRecord = z.output<typeof ImportRecord>;

/** A dataset's imports, newest first. */
export async function importsOfDataset(db: pg.Pool, id: number): Promise<ImportRecord[]> {
  const { rows } = await db.query(
    `select id, kind::text as kind, mode::text as mode, status::text as status, file_name as "fileName", byte_count::float8 as bytes,
            row_count as "rowsRead", rows_loaded as "rowsLoaded", report, error,
            started_at as "startedAt", finished_at as "finishedAt"
     from imports where dataset_id = $1 order by id desc`,
    [id],
  );
  return rows.map((r) => ImportRecord.parse(r));
}

/** The days a dataset's invoices span (YYYY-MM-DD), or nulls when it has none: the period runs, reruns and the churn check's holdout divide. */
export async function observedPeriod(db: Queryable, datasetId: number): Promise<{ first: string | null; last: string | null }> {
  const row = await rowOf(
    db,
    z.object({ first: z.string().nullable(), last: z.string().nullable() }),
    `select to_char(min(invoice_date), 'YYYY-MM-DD') as first, to_char(max(invoice_date), 'YYYY-MM-DD') as last
     from invoice_totals where dataset_id = $1`,
    [datasetId],
  );
  return row ?? { first: null, last: null };
}

/** Sets the currency the analyst chose for a dataset (null: back to the guess); false when there is no such dataset. */
export async function setDatasetCurrencyRecord(db: pg.Pool, id: number, currency: string | null): Promise<boolean> {
  const { rowCount } = await db.query("update datasets set currency = $2 where id = $1", [id, currency]);
  return rowCount === 1;
}

/** A dataset's currency as chosen (ISO 4217), or null, with its countries' revenue as saved for the guess; null when there is no such dataset. */
export async function datasetCurrencyRecord(db: pg.Pool, id: number): Promise<{ currency: string | null; countries: { country: string; revenue: number }[] | null } | null> {
  const [record] = await datasetRecords(db, id);
  return record ? { currency: record.currency, countries: record.countries } : null;
}
