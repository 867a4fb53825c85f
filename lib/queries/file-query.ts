import type pg from "pg";
import { z } from "zod";
import type { CachedQuery } from "./cache";
import { camelKeys, num, numOrNull, rowOf, rowsOf, type Queryable } from "./rows";
import { sqlFile, sqlFileValues } from "./sql-file";

/**
 * An analytics file's rows: the file's statement run with its parameter (a
 * dataset's or a run's id, and the value of the name's option, if any:
 * "revenue-over-time?grain=week"), each row's snake_case columns turned into
 * camelCase keys, then parsed by `schema` (whose column helpers turn
 * PostgreSQL's bigint and numeric text into numbers: lib/queries/rows.ts).
 */
export function fileRows<S extends z.ZodObject>(db: Queryable, name: string, id: number, schema: S): Promise<z.output<S>[]> {
  const file = sqlFile(name);
  return rowsOf(db, z.preprocess(camelKeys, schema), file.statement, sqlFileValues(file, id));
}

/** The first of fileRows, or null when the file gave none. */
export function fileRow<S extends z.ZodObject>(db: Queryable, name: string, id: number, schema: S): Promise<z.output<S> | null> {
  const file = sqlFile(name);
  return rowOf(db, z.preprocess(camelKeys, schema), file.statement, sqlFileValues(file, id));
}

/** fileRow of a file that always gives one row (sums over a whole dataset). */
export async function fileSingleRow<S extends z.ZodObject>(db: Queryable, name: string, id: number, schema: S): Promise<z.output<S>> {
  const row = await fileRow(db, name, id, schema);
  if (row === null) throw new Error(`${name}.sql gave no row`);
  return row;
}

/**
 * An analytics file as a cachable query (fileRows). Its saved answer (the
 * same rows as JSON) is parsed back by the same schema.
 */
export function fileQuery<S extends z.ZodObject>(pool: pg.Pool, name: string, id: number, schema: S): CachedQuery<z.output<S>[]> {
  const saved = z.array(schema);
  return {
    name,
    compute: (db = pool) => fileRows(db, name, id, schema),
    parse: (rows) => saved.parse(rows),
  };
}

/** A histogram bin [lower, upper): lower is null for an open first bin, upper for an open last bin. */
export const Bin = z.object({
  bin: num,
  lower: numOrNull,
  upper: numOrNull,
});
export type Bin = z.infer<typeof Bin>;
