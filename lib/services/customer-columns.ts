import type pg from "pg";
import { InputError } from "../errors";
import { COLUMN_KINDS, inferKind, KIND_LABELS, possibleKinds, type ColumnKind } from "../ingest/column-kinds";
import { z } from "zod";
import { savedAnswer, type CachedQuery } from "../queries/cache";
import { CrosstabCell, customerCrosstab } from "../queries/customer-column-stats";
import { columnKindOverrides, customerColumnHeaders, customerColumnsQuery, saveColumnKind, type CustomerColumnRow } from "../queries/customer-columns";
import { requireDataset } from "../queries/datasets";

/**
 * The columns of a dataset's customers files, as the analyst sees and uses
 * them: each with its name as written in the file's header, the kind
 * Segmenta read from its values (or the one the analyst gave it), how full
 * it is and what it holds (customer-columns.sql, saved by the dataset's
 * preparation).
 */
export interface CustomerColumn extends CustomerColumnRow {
  /** The header as written in the file ("Annual Income (k$)"); for a derived column, what it came from. */
  name: string;
  kind: ColumnKind;
  /** The kind in words ("Yes/no"). */
  kindLabel: string;
  inferredKind: ColumnKind;
  /** Kinds the analyst may give it (a column with text in it cannot be a number). */
  possibleKinds: ColumnKind[];
  missing: number;
}

/** What a column is called when its file did not name it (age worked out from a birth year). */
const DERIVED_NAMES: Record<string, string> = { age: "Age", gender: "Gender", country: "Country", city: "City", signup_date: "Signup date", income: "Income" };

function nameOf(key: string, headers: Map<string, string>): string {
  const header = headers.get(key);
  if (header) return header;
  if (key === "age") {
    const from = headers.get("birth_year") ?? headers.get("birth_date");
    if (from) return `Age (from ${from})`;
  }
  return DERIVED_NAMES[key] ?? key;
}

/**
 * The dataset's customer columns (empty without a customers file). Null while the dataset is being
 * prepared, unless `compute` (a run, which must know them now, reads them itself).
 */
export async function getCustomerColumns(pool: pg.Pool, datasetId: number, options?: { compute: false }): Promise<CustomerColumn[] | null>;
export async function getCustomerColumns(pool: pg.Pool, datasetId: number, options: { compute: true }): Promise<CustomerColumn[]>;
export async function getCustomerColumns(pool: pg.Pool, datasetId: number, options: { compute: boolean } = { compute: false }): Promise<CustomerColumn[] | null> {
  const query = customerColumnsQuery(pool, datasetId);
  const [saved, headers, overrides] = await Promise.all([
    savedAnswer(pool, { datasetId }, query),
    customerColumnHeaders(pool, datasetId),
    columnKindOverrides(pool, datasetId),
  ]);
  const rows = saved ?? (options.compute ? await query.compute() : null);
  if (rows === null) return null;
  // In the order of the file's header (a column worked out from another, such as age from a birth year, in its place).
  const order = [...headers.keys()];
  const position = (key: string) => {
    const at = order.indexOf(key === "age" && !headers.has("age") ? (headers.has("birth_year") ? "birth_year" : "birth_date") : key);
    return at === -1 ? order.length : at;
  };
  return [...rows].sort((a, b) => position(a.key) - position(b.key)).map((row) => {
    const name = nameOf(row.key, headers);
    const inferredKind = inferKind(name, row);
    const possible = possibleKinds(row);
    const given = overrides.get(row.key);
    return {
      ...row,
      name,
      inferredKind,
      kind: given && possible.includes(given) ? given : inferredKind,
      kindLabel: KIND_LABELS[given && possible.includes(given) ? given : inferredKind],
      possibleKinds: possible,
      missing: row.customers - row.filled,
    };
  });
}

/** Finds a column by its name as written in the header, or by its key; an InputError naming the columns there are otherwise. */
export function findColumn(columns: readonly CustomerColumn[], name: string, field: string): CustomerColumn {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.key === name);
  if (found) return found;
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  throw new InputError(field, columns.length ? `the customers file has no column "${name}" (its columns: ${names})` : `"${name}" is not a feature, and the dataset has no customers file`);
}

/** Gives a column another kind (or back to the inferred one: kind null). */
export async function setCustomerColumnKind(pool: pg.Pool, datasetId: number, key: string, kind: string | null): Promise<CustomerColumn> {
  await requireDataset(pool, datasetId);
  const columns = await getCustomerColumns(pool, datasetId);
  if (columns === null) throw new InputError("kind", "the dataset is being prepared; try again in a moment");
  const column = findColumn(columns, key, "key");
  if (kind !== null && !(COLUMN_KINDS as readonly string[]).includes(kind)) throw new InputError("kind", `a kind is one of ${COLUMN_KINDS.join(", ")}`);
  if (kind !== null && !column.possibleKinds.includes(kind as ColumnKind)) {
    const may = column.possibleKinds.map((k) => KIND_LABELS[k].toLowerCase()).join(", ");
    throw new InputError("kind", `"${column.name}" cannot be ${KIND_LABELS[kind as ColumnKind].toLowerCase()}: its values allow ${may}`);
  }
  await saveColumnKind(pool, datasetId, column.key, kind === column.inferredKind ? null : (kind as ColumnKind | null));
  return (await getCustomerColumns(pool, datasetId))!.find((c) => c.key === column.key)!;
}

/**
 * The two columns the overview puts against each other until the analyst picks others (`rows` in the file's
 * column order): the last yes/no column (an outcome such as Churn) as the columns, the first category as the
 * rows; or the first two categories.
 * Only columns with at most 12 values, so the table fits. Null when the file has fewer than two.
 */
export function defaultCrosstabPair(rows: readonly CustomerColumnRow[]): { x: string; y: string } | null {
  const small = rows.filter((r) => r.distinctValues >= 2 && r.distinctValues <= 12).map((r) => ({ key: r.key, kind: inferKind(r.key, r) }));
  const yesNo = small.filter((c) => c.kind === "yes_no");
  const categories = small.filter((c) => c.kind === "category");
  const y = yesNo.at(-1) ?? categories[1];
  const x = categories.find((c) => c !== y) ?? yesNo.find((c) => c !== y);
  return x && y ? { x: x.key, y: y.key } : null;
}

const SavedCrosstab = z.object({ xKey: z.string(), yKey: z.string(), cells: z.array(CrosstabCell) }).nullable();

/**
 * The overview's default crosstab (defaultCrosstabPair), saved by the dataset's preparation so the page reads
 * it back; other pairs the analyst asks for are read when asked.
 */
export const defaultCrosstabQuery = (pool: pg.Pool, datasetId: number): CachedQuery<z.infer<typeof SavedCrosstab>> => ({
  name: "customer-crosstab",
  compute: async (db = pool) => {
    const [rows, headers] = await Promise.all([customerColumnsQuery(pool, datasetId).compute(db), customerColumnHeaders(db, datasetId)]);
    // In the file's column order: an outcome such as Churn is usually its last column.
    const order = [...headers.keys()];
    const at = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
    const pair = defaultCrosstabPair([...rows].sort((a, b) => at(a.key) - at(b.key)));
    return pair && { xKey: pair.x, yKey: pair.y, cells: await customerCrosstab(db, datasetId, pair.x, pair.y) };
  },
  parse: (saved) => SavedCrosstab.parse(saved),
});
