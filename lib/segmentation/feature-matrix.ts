import { ClusteringInputError } from "./kmeans";

/**
 * A customers file's columns as clustering features, the way an analyst
 * prepares them in a notebook before scikit-learn's KMeans:
 * - a number as it is (kmeans.ts then log-transforms it when skewed and
 *   standardises it, as the purchase features);
 * - a date as the days from it to the reference date ("tenure" from a
 *   signup date), then as a number;
 * - a category one-hot: a 0/1 column per value (the most common values; the
 *   rest together as "Other"), never its codes as numbers. One-hot columns
 *   are not standardised: each is multiplied by the category weight, so two
 *   customers of different values are as far apart (squared distance 2w²)
 *   as two customers about one standard deviation apart on each of two
 *   numbers when w = 1: a category then counts about as much as a number;
 * - yes/no as one 0/1 column weighted w√2, as far apart as a category's
 *   values.
 * Customers without a value in a chosen column are left out, and counted.
 */
export type FeatureColumnKind = "number" | "date" | "category" | "yes_no";

export interface FeatureColumn {
  /** The column's name as the analyst knows it (the header). */
  name: string;
  kind: FeatureColumnKind;
  /** Each customer's value (as text from a file, or a number already); null when missing. */
  values: readonly (string | number | null)[];
}

export interface FeatureMatrixOptions {
  /** Weight of one-hot columns (default 1). */
  categoryWeight?: number;
  /** Dates count days up to this day (YYYY-MM-DD); default: the day after the latest date in the column. */
  referenceDate?: string;
  /** At most this many values of a category get a column of their own (default 12); the rest are "Other". */
  maxLevels?: number;
  /** Words that mean yes in a yes/no column (lower case). */
  yesWords?: readonly string[];
}

/** How one column became matrix columns, to show with the run. */
export interface FeatureEncoding {
  name: string;
  kind: FeatureColumnKind;
  /** Matrix columns it became (one, or one per value of a category). */
  features: string[];
  levels?: string[];
  referenceDate?: string;
  weight?: number;
}

export interface FeatureMatrix {
  features: string[];
  /** Per matrix column: the weight of a one-hot column, undefined for a number (kmeans.ts, scaling.ts). */
  dummyWeights: (number | undefined)[];
  /** The rows of the customers kept, in their order. */
  rows: number[][];
  /** Index (in the input) of each row kept. */
  kept: number[];
  /** Customers left out for want of a value, per column that had gaps. */
  missing: { name: string; customers: number }[];
  encodings: FeatureEncoding[];
}

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** A YYYY-MM-DD day as a day number (days since 1970-01-01, UTC); an error naming the column otherwise. */
export function dayOf(value: string | number, column: string): number {
  const m = ISO_DATE.exec(String(value));
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!Number.isFinite(t)) throw new ClusteringInputError("features", `"${column}" holds "${value}", which is not a date as YYYY-MM-DD; give the column another kind`);
  return t / DAY;
}

/** A day number as YYYY-MM-DD. */
export const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

export function featureMatrix(columns: readonly FeatureColumn[], options: FeatureMatrixOptions = {}): FeatureMatrix {
  const weight = options.categoryWeight ?? 1;
  const maxLevels = options.maxLevels ?? 12;
  const yes = new Set(options.yesWords ?? ["yes", "y", "true", "t", "1"]);
  const n = columns[0]?.values.length ?? 0;
  const complete = new Uint8Array(n).fill(1);
  const missing: FeatureMatrix["missing"] = [];
  for (const c of columns) {
    let gaps = 0;
    c.values.forEach((v, i) => {
      if (v === null) {
        gaps++;
        complete[i] = 0;
      }
    });
    if (gaps > 0) missing.push({ name: c.name, customers: gaps });
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (complete[i]) kept.push(i);

  const features: string[] = [];
  const dummyWeights: (number | undefined)[] = [];
  const encodings: FeatureEncoding[] = [];
  // Each column as functions from a kept customer's value to its matrix values.
  const writers: ((value: string | number, out: number[]) => void)[] = [];
  for (const c of columns) {
    if (c.kind === "number") {
      features.push(c.name);
      dummyWeights.push(undefined);
      encodings.push({ name: c.name, kind: c.kind, features: [c.name] });
      writers.push((value, out) => {
        const x = Number(value);
        if (!Number.isFinite(x)) throw new ClusteringInputError("features", `"${c.name}" holds "${value}", which is not a number; give the column another kind`);
        out.push(x);
      });
    } else if (c.kind === "date") {
      let reference: number;
      if (options.referenceDate) reference = dayOf(options.referenceDate, "the analysis date");
      else {
        let latest = Number.NEGATIVE_INFINITY;
        for (const i of kept) latest = Math.max(latest, dayOf(c.values[i]!, c.name));
        reference = latest + 1;
      }
      const name = `Days since ${c.name}`;
      features.push(name);
      dummyWeights.push(undefined);
      encodings.push({ name: c.name, kind: c.kind, features: [name], referenceDate: isoDay(reference) });
      writers.push((value, out) => out.push(reference - dayOf(value, c.name)));
    } else if (c.kind === "yes_no") {
      features.push(c.name);
      dummyWeights.push(weight * Math.SQRT2);
      encodings.push({ name: c.name, kind: c.kind, features: [c.name], weight: weight * Math.SQRT2 });
      writers.push((value, out) => out.push(yes.has(String(value).toLowerCase()) ? 1 : 0));
    } else {
      const counts = new Map<string, number>();
      for (const i of kept) counts.set(String(c.values[i]!), (counts.get(String(c.values[i]!)) ?? 0) + 1);
      const ordered = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
      const own = ordered.length > maxLevels ? ordered.slice(0, maxLevels - 1) : ordered;
      const levels = ordered.length > own.length ? [...own, "Other"] : own;
      const index = new Map(own.map((v, j) => [v, j]));
      const names = levels.map((level) => `${c.name}: ${level}`);
      features.push(...names);
      dummyWeights.push(...levels.map(() => weight));
      encodings.push({ name: c.name, kind: c.kind, features: names, levels, weight });
      writers.push((value, out) => {
        const at = index.get(String(value)) ?? levels.length - 1;
        for (let j = 0; j < levels.length; j++) out.push(j === at ? 1 : 0);
      });
    }
  }
  const rows = kept.map((i) => {
    const out: number[] = [];
    columns.forEach((c, j) => writers[j]!(c.values[i]!, out));
    return out;
  });
  return { features, dummyWeights, rows, kept, missing, encodings };
}
