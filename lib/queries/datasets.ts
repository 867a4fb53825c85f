import type pg from "pg";
import { NotFoundError } from "../errors";

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
  const { rows } = await db.query<{ name: string }>("select d.name from segmentation_runs r join datasets d on d.id = r.dataset_id where r.id = $1", [runId]);
  return rows[0]?.name ?? null;
}

/** Whether a customers file was loaded into the dataset. */
export async function datasetHasCustomersFile(db: pg.ClientBase | pg.Pool, id: number): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from customers where dataset_id = $1 limit 1", [id]);
  return (rowCount ?? 0) > 0;
}
