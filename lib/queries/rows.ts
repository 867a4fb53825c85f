import type pg from "pg";
import { z } from "zod";

/**
 * Rows typed at the edge: every row a query returns is parsed with a zod
 * schema, never asserted with `as T`. The column helpers take what pg hands
 * over, and what a saved answer (query_results, JSON) holds, alike.
 */

/** Where a query runs: a pool, or one connection (a transaction's, the preparation's). */
export type Queryable = pg.Pool | pg.ClientBase;

/** PostgreSQL's text for a bigint or a numeric: pg leaves both as text so nothing is rounded on the way. */
const NUMERIC_TEXT = /^-?\d+(?:\.\d+)?$/;

/** A number column: a number (int, float8, or a saved answer's JSON) as it is, numeric or bigint text as Number(text). */
export const num = z.union([z.number(), z.string().regex(NUMERIC_TEXT, "expected numeric text")]).transform(Number);

/** `num`, or null. */
export const numOrNull = num.nullable();

/** A timestamp column (pg gives a Date) as ISO 8601 text in UTC. */
export const isoTime = z.date().transform((d) => d.toISOString());

/** Every row of a statement, each parsed with `schema`. */
export async function rowsOf<S extends z.ZodType>(db: Queryable, schema: S, text: string, values: unknown[] = []): Promise<z.output<S>[]> {
  const { rows } = await db.query(text, values);
  return rows.map((row) => schema.parse(row));
}

/** The first row of a statement parsed with `schema`, or null when there is none. */
export async function rowOf<S extends z.ZodType>(db: Queryable, schema: S, text: string, values: unknown[] = []): Promise<z.output<S> | null> {
  const { rows } = await db.query(text, values);
  return rows[0] === undefined ? null : schema.parse(rows[0]);
}

/** A row's snake_case columns as camelCase keys ("average_order_value" → "averageOrderValue"), values untouched. */
export function camelKeys(row: unknown): unknown {
  if (typeof row !== "object" || row === null) return row;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = value;
  return out;
}

/**
 * True when two types are the same: `const _same: Same<z.output<typeof Row>, Row> = true` keeps a schema in
 * step with a row type declared where zod is not used (lib/insights, lib/ingest): either one changing alone
 * fails to compile.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
