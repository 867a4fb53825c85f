/**
 * How two segmentations of the same customers agree: a crosstab of their
 * labels and the adjusted Rand index (Hubert and Arabie, 1985): 1 for the same
 * partition, about 0 for independent ones, whatever the label names.
 */
export interface Crosstab {
  rows: string[];
  columns: string[];
  /** counts[i][j]: customers in rows[i] of the first and columns[j] of the second. */
  counts: number[][];
}

export function crosstab(first: readonly string[], second: readonly string[]): Crosstab {
  if (first.length !== second.length) throw new RangeError("the two segmentations must label the same customers");
  const rows = [...new Set(first)].sort();
  const columns = [...new Set(second)].sort();
  const r = new Map(rows.map((v, i) => [v, i]));
  const c = new Map(columns.map((v, i) => [v, i]));
  const counts = rows.map(() => new Array<number>(columns.length).fill(0));
  for (let i = 0; i < first.length; i++) counts[r.get(first[i]!)!]![c.get(second[i]!)!]!++;
  return { rows, columns, counts };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

export function adjustedRandIndex(first: readonly string[], second: readonly string[]): number {
  const { counts } = crosstab(first, second);
  const n = first.length;
  const index = counts.flat().reduce((s, v) => s + pairs(v), 0);
  const rowSums = counts.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = counts[0]!.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0));
  const a = rowSums.reduce((s, v) => s + pairs(v), 0);
  const b = colSums.reduce((s, v) => s + pairs(v), 0);
  const expected = (a * b) / pairs(n);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
