import type pg from "pg";
import { z } from "zod";
import { COLUMN_KINDS } from "../ingest/column-kinds";
import { fileQuery } from "./file-query";
import { num, numOrNull, rowsOf, type Queryable } from "./rows";
import { sqlFile } from "./sql-file";

/** One column of a dataset's customers (lib/queries/sql/customer-columns.sql). */
export const CustomerColumnRow = z.object({
  /** A table column (age, gender, country, city, signup_date) or an attribute's key (the header as written). */
  key: z.string(),
  customers: num,
  filled: num,
  distinctValues: num,
  numericValues: num,
  wholeValues: num,
  yesNoValues: num,
  dateValues: num,
  min: numOrNull,
  max: numOrNull,
  mean: numOrNull,
  sd: numOrNull,
  /** The six most common values, most common first, with their counts. */
  topValues: z.array(z.string()),
  topCounts: z.array(num),
});
export type CustomerColumnRow = z.infer<typeof CustomerColumnRow>;

export const customerColumnsSql = () => sqlFile("customer-columns");
/** Saved per data version by the dataset's preparation. */
export const customerColumnsQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "customer-columns", datasetId, CustomerColumnRow);

const Header = z.object({ name: z.string(), key: z.string() });

/** The headers of the dataset's customers files, as their loads recorded them (first file first; a later file's header for the same key wins). */
export async function customerColumnHeaders(db: Queryable, datasetId: number): Promise<Map<string, string>> {
  const rows = await rowsOf(
    db,
    z.object({ columns: z.array(Header).nullable() }),
    `select report->'columns' as columns from imports
     where dataset_id = $1 and kind = 'customers' and status = 'succeeded' order by id`,
    [datasetId],
  );
  const names = new Map<string, string>();
  for (const r of rows) for (const c of r.columns ?? []) names.set(c.key, c.name);
  return names;
}

const Kind = z.object({ key: z.string(), kind: z.enum(COLUMN_KINDS) });

/** The kinds the analyst gave the dataset's columns (table customer_column_kinds). */
export async function columnKindOverrides(db: Queryable, datasetId: number): Promise<Map<string, (typeof COLUMN_KINDS)[number]>> {
  const rows = await rowsOf(db, Kind, "select key, kind from customer_column_kinds where dataset_id = $1", [datasetId]);
  return new Map(rows.map((r) => [r.key, r.kind]));
}

/** Gives a column a kind (null: back to the inferred one). */
export async function saveColumnKind(db: Queryable, datasetId: number, key: string, kind: (typeof COLUMN_KINDS)[number] | null): Promise<void> {
  if (kind === null) await db.query("delete from customer_column_kinds where dataset_id = $1 and key = $2", [datasetId, key]);
  else {
    // updated_at from the inserted row's default, not now() in DO UPDATE SET, which Citus refuses.
    await db.query(
      `insert into customer_column_kinds (dataset_id, key, kind) values ($1, $2, $3)
       on conflict (dataset_id, key) do update set kind = excluded.kind, updated_at = excluded.updated_at`,
      [datasetId, key, kind],
    );
  }
}

/** The values of some columns (by key) for every customer of a dataset, as text (blank: null), in customer id order. */
export async function customerColumnValues(db: Queryable, datasetId: number, keys: readonly string[]): Promise<{ customerId: string; values: (string | null)[] }[]> {
  // Each key bound as a parameter and read by customer_value (its migration): never written into the SQL.
  const expressions = keys.map((_, i) => `customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, $${i + 2}::text)`);
  const { rows } = await db.query({
    text: `select c.external_id${expressions.map((e) => `, ${e}`).join("")} from customers c where c.dataset_id = $1 order by c.external_id collate "C"`,
    values: [datasetId, ...keys],
    rowMode: "array",
  });
  const Row = z.array(z.string().nullable());
  return rows.map((raw) => {
    const row = Row.parse(raw);
    return { customerId: row[0]!, values: row.slice(1) };
  });
}

/** Whether any purchase was loaded into the dataset (its summaries must be current: lib/services/preparation.ts). */
export async function datasetHasPurchases(db: Queryable, datasetId: number): Promise<boolean> {
  const { rowCount } = await db.query("select 1 from invoice_totals where dataset_id = $1 limit 1", [datasetId]);
  return (rowCount ?? 0) > 0;
}
