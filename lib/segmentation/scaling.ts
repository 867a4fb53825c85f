import type { FlatPoints } from "./lloyd";

/**
 * How customers' features are put on one scale before clustering, as an
 * analyst would in scikit-learn: non-negative features skewed to the right
 * (skewness > 1) log1p-transformed, then every feature as z-scores.
 * One-hot columns of a category (0 or 1) are not: each is multiplied by its
 * weight instead (recorded as mean 0 and sd 1 / weight, so that (x - mean) /
 * sd holds for every column).
 */
export interface Scaling {
  features: string[];
  logged: boolean[];
  means: number[];
  sds: number[];
}

function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** `standardise` into one flat n × d array (on shared memory when `allocate` gives it). */
export function standardiseFlat(
  features: string[],
  rows: readonly number[][],
  allocate: (length: number) => Float64Array = (length) => new Float64Array(length),
  /** Per column: the weight of a one-hot column, undefined for a number. */
  dummyWeights: readonly (number | undefined)[] = [],
): { flat: FlatPoints; scaling: Scaling } {
  const n = rows.length;
  const dims = features.length;
  const data = allocate(n * dims);
  const column = new Float64Array(n);
  const logged: boolean[] = [];
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < dims; j++) {
    const weight = dummyWeights[j];
    if (weight !== undefined) {
      for (let i = 0; i < n; i++) data[i * dims + j] = rows[i]![j]! * weight;
      logged.push(false);
      means.push(0);
      sds.push(weight > 0 ? 1 / weight : 0);
      continue;
    }
    let nonNegative = true;
    for (let i = 0; i < n; i++) {
      const v = rows[i]![j]!;
      column[i] = v;
      if (!(v >= 0)) nonNegative = false;
    }
    const log = nonNegative && skewness(column) > 1;
    if (log) for (let i = 0; i < n; i++) column[i] = Math.log1p(column[i]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += column[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = column[i]! - mean;
      squares += d * d;
    }
    const sd = Math.sqrt(squares / n);
    for (let i = 0; i < n; i++) data[i * dims + j] = sd > 0 ? (column[i]! - mean) / sd : 0;
    logged.push(log);
    means.push(mean);
    sds.push(sd);
  }
  return { flat: { data, n, dims }, scaling: { features, logged, means, sds } };
}

export function toRows({ data, n, dims }: FlatPoints): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let t = 0; t < dims; t++) row.push(data[i * dims + t]!);
    rows.push(row);
  }
  return rows;
}

/** log1p for non-negative features skewed to the right (skewness > 1), then z-scores. */
export function standardise(features: string[], rows: readonly number[][]): { data: number[][]; scaling: Scaling } {
  const { flat, scaling } = standardiseFlat(features, rows);
  return { data: toRows(flat), scaling };
}

