import type pg from "pg";
import type { CachedQuery } from "./cache";
import { sqlFile, sqlFileValues } from "./sql-file";

/**
 * An analytics file as a cachable query: runs the file's statement with its
 * parameter (a dataset's or a run's id, and the value of the name's option if
 * it has one: "revenue-over-time?grain=week") and turns each row's snake_case columns into camelCase
 * keys, numbers (PostgreSQL's bigint and numeric arrive as text) into
 * numbers, and keeps the columns named in `text` as strings. Null stays null,
 * booleans stay booleans.
 */
export function fileQuery<T>(pool: pg.Pool, name: string, id: number, text: readonly string[] = []): CachedQuery<T[]> {
  const keep = new Set(text);
  return {
    name,
    compute: async (db = pool) => {
      const file = sqlFile(name);
      const { rows } = await db.query<Record<string, unknown>>(file.statement, sqlFileValues(file, id));
      return rows.map((row) => {
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(row)) {
          const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
          out[camel] = value === null || typeof value === "boolean" || keep.has(key) ? value : Number(value);
        }
        return out as T;
      });
    },
  };
}

/** A histogram bin [lower, upper): lower is null for an open first bin, upper for an open last bin. */
export interface Bin {
  bin: number;
  lower: number | null;
  upper: number | null;
}
