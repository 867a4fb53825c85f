import type pg from "pg";
import { z } from "zod";
import { longWorkPool } from "../db/pool";
import type { PreparationState } from "./datasets";

/**
 * The preparation's bookkeeping (lib/services/preparation.ts): where a
 * dataset's or a run's preparation stands, on the job's own connection, and
 * that connection's session settings. Every row checked by zod.
 */
type Db = pg.Pool | pg.ClientBase;

/** A connection for a preparation job's steps, from the long work's pool (lib/db/pool.ts): the readers' stay free for pages. */
export function jobConnection(pool: pg.Pool): Promise<pg.PoolClient> {
  return longWorkPool(pool).connect();
}

const ids = (rows: unknown[]) => rows.map((r) => z.object({ id: z.number() }).parse(r).id);

/** The backend of a connection (to cancel its statement from another), with the memory its aggregates may use. */
export async function prepareSession(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query("select pg_backend_pid() as pid");
  // The hash aggregates of a large dataset in memory (the pool's other connections keep the server's default).
  await client.query("set work_mem = '256MB'");
  return z.object({ pid: z.number() }).parse(rows[0]).pid;
}

export async function resetSession(client: pg.ClientBase): Promise<void> {
  await client.query("reset work_mem");
}

/** Cancels the statement under way on that backend (the job's step stops with a cancel error). */
export async function cancelBackend(pool: pg.Pool, pid: number): Promise<void> {
  await pool.query("select pg_cancel_backend($1::int)", [pid]);
}

/** A dataset's version, and whether its summaries and its pages' answers are of it; null when there is no such dataset. */
export async function datasetPreparationPlan(db: Db, id: number): Promise<{ version: number; summarised: boolean; prepared: boolean } | null> {
  const { rows } = await db.query(
    `select data_version as version, summarised_version is not distinct from data_version as summarised,
            prepared_version is not distinct from data_version as prepared
     from datasets where id = $1`,
    [id],
  );
  return rows[0] === undefined ? null : z.object({ version: z.number(), summarised: z.boolean(), prepared: z.boolean() }).parse(rows[0]);
}

/** A run's method and whether its pages are prepared; null when there is no such run. */
export async function runPreparationPlan(db: Db, id: number): Promise<{ method: string; prepared: boolean; purchases: boolean } | null> {
  const { rows } = await db.query(
    "select method, prepared_at is not null as prepared, coalesce(params ->> 'purchases', 'true') <> 'false' as purchases from segmentation_runs where id = $1",
    [id],
  );
  return rows[0] === undefined ? null : z.object({ method: z.string(), prepared: z.boolean(), purchases: z.boolean() }).parse(rows[0]);
}

/**
 * Saves how far a dataset's preparation got (of `version` only, when given: a
 * newer load makes it stale). updated_at moves so the page cache
 * (lib/http/page-cache.ts) forgets the pages that said "being prepared".
 */
export async function saveDatasetPreparation(db: Db, id: number, state: PreparationState | null, version?: number): Promise<void> {
  if (version === undefined) await db.query("update datasets set preparation = $2, updated_at = now() where id = $1", [id, state]);
  else await db.query("update datasets set preparation = $2, updated_at = now() where id = $1 and data_version = $3", [id, state, version]);
}

/** Marks the dataset's pages prepared for `version` (unless a load changed it meanwhile). */
export async function markDatasetPrepared(db: Db, id: number, state: PreparationState | null, version: number): Promise<void> {
  await db.query("update datasets set prepared_version = $3, preparation = $2, updated_at = now() where id = $1 and data_version = $3", [id, state, version]);
}

export async function markRunPrepared(db: Db, id: number): Promise<void> {
  await db.query("update segmentation_runs set prepared_at = now() where id = $1", [id]);
}

/** True when the dataset's summaries are of its current data (runs may read them). */
export async function summariesCurrent(db: Db, datasetId: number): Promise<boolean> {
  const { rows } = await db.query("select summarised_version is not distinct from data_version as current from datasets where id = $1", [datasetId]);
  return rows[0] === undefined ? false : z.object({ current: z.boolean() }).parse(rows[0]).current;
}

/** Datasets and runs whose preparation is not done (resumed at start). */
export async function unprepared(pool: pg.Pool): Promise<{ datasets: number[]; runs: number[] }> {
  const [datasets, runs] = await Promise.all([
    pool.query("select id from datasets where prepared_version is distinct from data_version order by id"),
    pool.query("select id from segmentation_runs where prepared_at is null order by id"),
  ]);
  return { datasets: ids(datasets.rows), runs: ids(runs.rows) };
}
