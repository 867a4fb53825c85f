/**
 * What a customers file's column holds, read from its counts
 * (lib/queries/sql/customer-columns.sql), as an analyst would judge it at a
 * glance: a number, a category, yes/no, a date, an id, or free text. The kind
 * decides how the column can be used: numbers and dates are clustering
 * features (scaled), categories and yes/no are one-hot features and
 * outcomes, ids and free text are shown but never segmented on. The analyst
 * can change a column's kind (table customer_column_kinds).
 */
export const COLUMN_KINDS = ["number", "category", "yes_no", "date", "id", "text"] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const KIND_LABELS: Record<ColumnKind, string> = {
  number: "Number",
  category: "Category",
  yes_no: "Yes/no",
  date: "Date",
  id: "Id",
  text: "Free text",
};

/** A column's counts, as customer-columns.sql gives them. */
export interface ColumnCounts {
  customers: number;
  filled: number;
  distinctValues: number;
  numericValues: number;
  wholeValues: number;
  yesNoValues: number;
  dateValues: number;
}

/** At most this many distinct values (and at most half as many as values) make a text column a category. */
export const MAX_CATEGORIES = 50;

/**
 * The kind a column's values suggest. Every value must read as a number (or
 * a date, or yes/no) for the column to be one: a single "n/a" makes it text
 * (the analyst can say otherwise). Two values that read as yes/no (Yes/No,
 * 0/1, true/false) make yes/no; a number column whose values are all
 * different whole numbers named like an id is an id.
 */
export function inferKind(name: string, c: ColumnCounts): ColumnKind {
  if (c.filled === 0) return "text";
  if (c.yesNoValues === c.filled && c.distinctValues === 2) return "yes_no";
  if (c.numericValues === c.filled) {
    return c.wholeValues === c.filled && c.distinctValues === c.filled && /(^|[^a-z])(id|no|number|code)$/i.test(name.trim()) ? "id" : "number";
  }
  if (c.dateValues === c.filled) return "date";
  if (c.distinctValues <= MAX_CATEGORIES && c.distinctValues <= Math.max(2, c.filled / 2)) return "category";
  if (c.distinctValues === c.filled) return "id";
  return "text";
}

/** The kinds a column can be given: a column whose values are not all numbers cannot be a number, and so on. */
export function possibleKinds(c: ColumnCounts): ColumnKind[] {
  return COLUMN_KINDS.filter((kind) => {
    if (kind === "number") return c.filled > 0 && c.numericValues === c.filled;
    if (kind === "date") return c.filled > 0 && c.dateValues === c.filled;
    if (kind === "yes_no") return c.filled > 0 && c.yesNoValues === c.filled && c.distinctValues <= 2;
    if (kind === "category") return c.distinctValues <= 200;
    return true;
  });
}

/** The words yes/no columns use for yes (compared lower case): the other value is no. SQL reads the same list in the yes_no_value function (its migration). */
export const YES_WORDS = ["yes", "y", "true", "t", "1"] as const;
