import type pg from "pg";
import { ensureSummaries } from "../ingest/summaries";

/**
 * Saved answers of the analytics queries (table query_results), so a page
 * with a dozen charts reads a dozen saved row sets instead of running a dozen
 * aggregates for every reader. A dataset's answers are kept per data_version
 * (a load makes them stale); a run's never go stale (runs never change).
 * What is saved is exactly what the SQL file returns, so "Show SQL" and psql
 * give the figures on screen.
 */
export type Scope = { datasetId: number } | { runId: number };

export interface CachedQuery<T> {
  /** The SQL file's name, with its options when it has any ("revenue-over-time?grain=week"). */
  name: string;
  compute: () => Promise<T>;
}

function scopeKey(scope: Scope): string {
  return "datasetId" in scope ? `dataset:${scope.datasetId}` : `run:${scope.runId}`;
}

async function versionOf(pool: pg.Pool, scope: Scope): Promise<number> {
  if (!("datasetId" in scope)) return 0;
  return (await ensureSummaries(pool, scope.datasetId)) ?? -1;
}

/** Several queries of one scope: the saved ones in one round trip, the others computed (in parallel) and saved. */
export async function cachedMany<T extends readonly CachedQuery<unknown>[]>(
  pool: pg.Pool,
  scope: Scope,
  queries: T,
): Promise<{ [K in keyof T]: T[K] extends CachedQuery<infer R> ? R : never }> {
  const key = scopeKey(scope);
  const version = await versionOf(pool, scope);
  const { rows } = await pool.query<{ name: string; rows: unknown }>(
    "select name, rows from query_results where scope = $1 and name = any($2::text[]) and version = $3",
    [key, queries.map((q) => q.name), version],
  );
  const saved = new Map(rows.map((r) => [r.name, r.rows]));
  const results = await Promise.all(
    queries.map(async (q) => {
      if (saved.has(q.name)) return saved.get(q.name);
      // Readers arriving while the same answer is being computed (a page opened right after an upload,
      // while the upload's preparation runs) wait for that computation instead of repeating it.
      const id = `${key}|${q.name}|${version}`;
      let pending = inflight.get(id);
      if (!pending) {
        pending = computeAndSave(pool, key, q, version).finally(() => inflight.delete(id));
        inflight.set(id, pending);
      }
      return pending;
    }),
  );
  return results as { [K in keyof T]: T[K] extends CachedQuery<infer R> ? R : never };
}

/** Answers being computed in this process, by scope, name and version. */
const inflight = new Map<string, Promise<unknown>>();

async function computeAndSave(pool: pg.Pool, key: string, q: CachedQuery<unknown>, version: number): Promise<unknown> {
  const started = performance.now();
  const result = await q.compute();
  await pool.query(
    `insert into query_results (scope, name, version, rows, duration_ms) values ($1, $2, $3, $4, $5)
     on conflict (scope, name) do update set version = excluded.version, rows = excluded.rows,
       duration_ms = excluded.duration_ms, computed_at = now()`,
    [key, q.name, version, JSON.stringify(result), Math.round(performance.now() - started)],
  );
  return result;
}

export async function cached<T>(pool: pg.Pool, scope: Scope, name: string, compute: () => Promise<T>): Promise<T> {
  const [result] = await cachedMany(pool, scope, [{ name, compute }] as const);
  return result as T;
}

/** Forgets a dataset's saved answers (with its runs' ones), e.g. when it is deleted. */
export async function forgetCached(db: pg.Pool | pg.PoolClient, datasetId: number): Promise<void> {
  await db.query(
    "delete from query_results where scope = $1 or scope in (select 'run:' || id from segmentation_runs where dataset_id = $2)",
    [`dataset:${datasetId}`, datasetId],
  );
}
