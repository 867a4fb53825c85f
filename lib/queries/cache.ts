import type pg from "pg";
import { z } from "zod";
import { rowsOf, type Queryable } from "./rows";

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
export type { Queryable };

export interface CachedQuery<T> {
  /** The SQL file's name, with its options when it has any ("revenue-over-time?grain=week"). */
  name: string;
  /** Runs the query (on `db` when given, else on the pool it was made with). */
  compute: (db?: Queryable) => Promise<T>;
  /** Checks a saved answer (its JSON read back from query_results) and gives it its type: what compute returned, as JSON. */
  parse: (saved: unknown) => T;
}

type Answers<T extends readonly CachedQuery<unknown>[]> = { [K in keyof T]: T[K] extends CachedQuery<infer R> ? R | null : never };

export function scopeKey(scope: Scope): string {
  return "datasetId" in scope ? `dataset:${scope.datasetId}` : `run:${scope.runId}`;
}

const SavedRow = z.object({ name: z.string(), rows: z.unknown() });

/** The saved JSON of the named answers of a scope (of the dataset's current data version), by name. */
async function savedJson(db: Queryable, scope: Scope, names: string[]): Promise<Map<string, unknown>> {
  const rows =
    "datasetId" in scope
      ? await rowsOf(
          db,
          SavedRow,
          `select q.name, q.rows from query_results q join datasets d on d.id = $3 and q.version = d.data_version
           where q.scope = $1 and q.name = any($2::text[])`,
          [scopeKey(scope), names, scope.datasetId],
        )
      : await rowsOf(db, SavedRow, "select name, rows from query_results where scope = $1 and name = any($2::text[])", [scopeKey(scope), names]);
  return new Map(rows.map((r) => [r.name, r.rows]));
}

/**
 * The saved answers of several queries of one scope, in one round trip, each
 * parsed by its query; null for each one not saved (yet) for the dataset's
 * current data version.
 */
export async function savedAnswers<T extends readonly CachedQuery<unknown>[]>(db: Queryable, scope: Scope, queries: T): Promise<Answers<T>>;
// The signature above says what the tuple holds, answer i being queries[i].parse's: map keeps the order, but
// TypeScript cannot carry a tuple's element types through it, so the implementation's own type is looser.
export async function savedAnswers(db: Queryable, scope: Scope, queries: readonly CachedQuery<unknown>[]): Promise<unknown[]> {
  const saved = await savedJson(db, scope, queries.map((q) => q.name));
  return queries.map((q) => (saved.has(q.name) ? q.parse(saved.get(q.name)) : null));
}

export async function savedAnswer<T>(db: Queryable, scope: Scope, query: CachedQuery<T>): Promise<T | null> {
  const saved = await savedJson(db, scope, [query.name]);
  return saved.has(query.name) ? query.parse(saved.get(query.name)) : null;
}

/** Computes an answer and saves it for `version` (a dataset's data_version; 0 for a run). Returns it and how long it took. */
export async function computeAnswer<T>(db: Queryable, scope: Scope, query: CachedQuery<T>, version: number): Promise<{ rows: T; ms: number }> {
  const started = performance.now();
  const rows = await query.compute(db);
  const ms = Math.round(performance.now() - started);
  // computed_at from the inserted row's default: Citus (query_results is a reference table there) refuses a
  // function that is not IMMUTABLE, such as now(), in DO UPDATE SET; a default is evaluated before.
  await db.query(
    `insert into query_results (scope, name, version, rows, duration_ms) values ($1, $2, $3, $4, $5)
     on conflict (scope, name) do update set version = excluded.version, rows = excluded.rows,
       duration_ms = excluded.duration_ms, computed_at = excluded.computed_at`,
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
  const shared = inflight.get(id);
  // Another reader's computation of the same answer: its rows are checked as this query's.
  if (shared) return query.parse(await shared);
  const pending = computeAnswer(pool, { runId }, query, 0)
    .then((a) => a.rows)
    .finally(() => inflight.delete(id));
  inflight.set(id, pending);
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
