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
  const cells = new Map<string, { row: string; column: string; count: number }>();
  for (let i = 0; i < first.length; i++) {
    const key = `${first[i]}\u0000${second[i]}`;
    const cell = cells.get(key);
    if (cell) cell.count++;
    else cells.set(key, { row: first[i]!, column: second[i]!, count: 1 });
  }
  return crosstabOf([...cells.values()]);
}

/** The crosstab of counted pairs of labels (as SQL's GROUP BY gives them). */
export function crosstabOf(cells: readonly { row: string; column: string; count: number }[]): Crosstab {
  const rows = [...new Set(cells.map((x) => x.row))].sort();
  const columns = [...new Set(cells.map((x) => x.column))].sort();
  const r = new Map(rows.map((v, i) => [v, i]));
  const c = new Map(columns.map((v, i) => [v, i]));
  const counts = rows.map(() => new Array<number>(columns.length).fill(0));
  for (const x of cells) counts[r.get(x.row)!]![c.get(x.column)!]! += x.count;
  return { rows, columns, counts };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

export function adjustedRandIndex(first: readonly string[], second: readonly string[]): number {
  return adjustedRandIndexOf(crosstab(first, second));
}

/** The adjusted Rand index from the crosstab of the two labellings. */
export function adjustedRandIndexOf({ counts }: Crosstab): number {
  const n = counts.flat().reduce((s, v) => s + v, 0);
  const index = counts.flat().reduce((s, v) => s + pairs(v), 0);
  const rowSums = counts.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = counts[0]!.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0));
  const a = rowSums.reduce((s, v) => s + pairs(v), 0);
  const b = colSums.reduce((s, v) => s + pairs(v), 0);
  const expected = (a * b) / pairs(n);
  const max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
