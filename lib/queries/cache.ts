import type pg from "pg";

/**
 * Saved answers of the analytics queries (table query_results), so a page
 * with a dozen charts reads a dozen saved row sets instead of running a dozen
 * aggregates for every reader. What is saved is exactly what the SQL file
 * returns, so "Show SQL" and psql give the figures on screen.
 *
 * Answers are computed by the preparation of a dataset (after each load) or
 * of a run (after it is saved), never by a reader (lib/services/preparation.ts):
 * a page reads what is saved and shows "being prepared" for the rest. A
 * dataset's answers are kept per data_version (a load makes them stale); a
 * run's never go stale (runs never change).
 */
export type Scope = { datasetId: number } | { runId: number };

/** Where a query runs: the pool, or one connection (the preparation's, which a cancel stops). */
export type Queryable = pg.Pool | pg.ClientBase;

export interface CachedQuery<T> {
  /** The SQL file's name, with its options when it has any ("revenue-over-time?grain=week"). */
  name: string;
  /** Runs the query (on `db` when given, else on the pool it was made with). */
  compute: (db?: Queryable) => Promise<T>;
}

type Answers<T extends readonly CachedQuery<unknown>[]> = { [K in keyof T]: T[K] extends CachedQuery<infer R> ? R | null : never };

export function scopeKey(scope: Scope): string {
  return "datasetId" in scope ? `dataset:${scope.datasetId}` : `run:${scope.runId}`;
}

/**
 * The saved answers of several queries of one scope, in one round trip; null
 * for each one not saved (yet) for the dataset's current data version.
 */
export async function savedAnswers<T extends readonly CachedQuery<unknown>[]>(db: Queryable, scope: Scope, queries: T): Promise<Answers<T>> {
  const names = queries.map((q) => q.name);
  const { rows } =
    "datasetId" in scope
      ? await db.query<{ name: string; rows: unknown }>(
          `select q.name, q.rows from query_results q join datasets d on d.id = $3 and q.version = d.data_version
           where q.scope = $1 and q.name = any($2::text[])`,
          [scopeKey(scope), names, scope.datasetId],
        )
      : await db.query<{ name: string; rows: unknown }>("select name, rows from query_results where scope = $1 and name = any($2::text[])", [scopeKey(scope), names]);
  const saved = new Map(rows.map((r) => [r.name, r.rows]));
  return names.map((name) => (saved.has(name) ? saved.get(name) : null)) as Answers<T>;
}

export async function savedAnswer<T>(db: Queryable, scope: Scope, query: CachedQuery<T>): Promise<T | null> {
  const [answer] = await savedAnswers(db, scope, [query] as const);
  return answer as T | null;
}

/** Computes an answer and saves it for `version` (a dataset's data_version; 0 for a run). Returns it and how long it took. */
export async function computeAnswer<T>(db: Queryable, scope: Scope, query: CachedQuery<T>, version: number): Promise<{ rows: T; ms: number }> {
  const started = performance.now();
  const rows = await query.compute(db);
  const ms = Math.round(performance.now() - started);
  await db.query(
    `insert into query_results (scope, name, version, rows, duration_ms) values ($1, $2, $3, $4, $5)
     on conflict (scope, name) do update set version = excluded.version, rows = excluded.rows,
       duration_ms = excluded.duration_ms, computed_at = now()`,
    [scopeKey(scope), query.name, version, JSON.stringify(rows), ms],
  );
  return { rows, ms };
}

/**
 * An answer a reader asks for on demand (a comparison of two runs the
 * analyst picks): read when saved, else computed and saved. Only for
 * run-scoped questions bounded by a run's members; never for a dataset's
 * summaries or overview, which only the preparation computes.
 */
export async function onDemand<T>(pool: pg.Pool, runId: number, query: CachedQuery<T>): Promise<T> {
  const saved = await savedAnswer(pool, { runId }, query);
  if (saved !== null) return saved;
  const id = `${runId}|${query.name}`;
  let pending = inflight.get(id) as Promise<T> | undefined;
  if (!pending) {
    pending = computeAnswer(pool, { runId }, query, 0)
      .then((a) => a.rows)
      .finally(() => inflight.delete(id));
    inflight.set(id, pending);
  }
  return pending;
}

/** On-demand answers being computed in this process: readers arriving meanwhile share the computation. */
const inflight = new Map<string, Promise<unknown>>();

/** Forgets a dataset's saved answers (with its runs' ones), e.g. when it is deleted. */
export async function forgetCached(db: pg.Pool | pg.PoolClient, datasetId: number): Promise<void> {
  await db.query(
    "delete from query_results where scope = $1 or scope in (select 'run:' || id from segmentation_runs where dataset_id = $2)",
    [`dataset:${datasetId}`, datasetId],
  );
}
