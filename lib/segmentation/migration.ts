/**
 * Segments over time: the flows of customers between the segments of an
 * earlier run and a later one (segment-migration.sql's rows) as a matrix with
 * its totals, in the runs' own segment order, and as the nodes and links of a
 * Sankey chart. Customers absent from the earlier run come from "New" (a row
 * of its own, last); those absent from the later one go to "Gone" (a column
 * of its own, last).
 */
export interface Flow {
  /** Segment number in the earlier run; null: "New" (not in it). */
  fromNo: number | null;
  fromSegment: string;
  /** Segment number in the later run; null: "Gone" (not in it). */
  toNo: number | null;
  toSegment: string;
  customers: number;
  /** Their revenue up to the later date (null for "Gone"). */
  revenue: number | null;
  /** Their revenue up to the earlier date (null for "New"). */
  revenueBefore: number | null;
  /** Between the two dates (null for "Gone"). */
  revenueSince: number | null;
  /** Customers with more orders at the later date than at the earlier one. */
  boughtAgain: number;
}

export interface Totals {
  customers: number;
  revenue: number;
  revenueBefore: number;
  revenueSince: number;
  boughtAgain: number;
}

export interface Side {
  /** Null: "New" (a row) or "Gone" (a column). */
  no: number | null;
  name: string;
}

export interface MigrationMatrix {
  rows: Side[];
  columns: Side[];
  /** cells[i][j]: the flow from rows[i] to columns[j], or null when no customer took it. */
  cells: (Flow | null)[][];
  rowTotals: Totals[];
  columnTotals: Totals[];
  total: Totals;
}

export const NEW = "New";
export const GONE = "Gone";

const zero = (): Totals => ({ customers: 0, revenue: 0, revenueBefore: 0, revenueSince: 0, boughtAgain: 0 });

function add(t: Totals, f: Flow): void {
  t.customers += f.customers;
  t.revenue += f.revenue ?? 0;
  t.revenueBefore += f.revenueBefore ?? 0;
  t.revenueSince += f.revenueSince ?? 0;
  t.boughtAgain += f.boughtAgain;
}

/** The sides flows use, in the run's order (segments no flow uses left out), any other after them, then the null side. */
function sides(order: readonly Side[], used: Side[], nullName: string): Side[] {
  const numbers = new Set(used.filter((s) => s.no !== null).map((s) => s.no));
  const known = order.filter((s) => numbers.has(s.no));
  const others = [...new Map(used.filter((s) => s.no !== null && !order.some((o) => o.no === s.no)).map((s) => [s.no, s])).values()].sort((a, b) => a.no! - b.no!);
  return [...known, ...others, ...(used.some((s) => s.no === null) ? [{ no: null, name: nullName }] : [])];
}

/** The matrix of flows: rows the earlier run's segments (then "New"), columns the later run's (then "Gone"). */
export function migrationMatrix(flows: readonly Flow[], fromOrder: readonly Side[], toOrder: readonly Side[]): MigrationMatrix {
  const live = flows.filter((f) => f.customers > 0);
  const rows = sides(fromOrder, live.map((f) => ({ no: f.fromNo, name: f.fromSegment })), NEW);
  const columns = sides(toOrder, live.map((f) => ({ no: f.toNo, name: f.toSegment })), GONE);
  const r = new Map(rows.map((s, i) => [s.no, i]));
  const c = new Map(columns.map((s, j) => [s.no, j]));
  const cells = rows.map(() => columns.map((): Flow | null => null));
  const rowTotals = rows.map(zero);
  const columnTotals = columns.map(zero);
  const total = zero();
  for (const f of live) {
    const i = r.get(f.fromNo)!;
    const j = c.get(f.toNo)!;
    const cell = cells[i]![j];
    // One row per pair from SQL; two rows of a pair (never from segment-migration.sql) add up.
    cells[i]![j] = cell
      ? { ...cell, customers: cell.customers + f.customers, revenue: sum(cell.revenue, f.revenue), revenueBefore: sum(cell.revenueBefore, f.revenueBefore), revenueSince: sum(cell.revenueSince, f.revenueSince), boughtAgain: cell.boughtAgain + f.boughtAgain }
      : { ...f };
    add(rowTotals[i]!, f);
    add(columnTotals[j]!, f);
    add(total, f);
  }
  return { rows, columns, cells, rowTotals, columnTotals, total };
}

const sum = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));

/** Headline figures: customers in each run, in both, in the same segment (by name) in both, new and gone. */
export function migrationSummary(flows: readonly Flow[]) {
  let earlier = 0;
  let later = 0;
  let both = 0;
  let stayed = 0;
  let added = 0;
  let gone = 0;
  let boughtAgain = 0;
  let revenueSince = 0;
  for (const f of flows) {
    if (f.fromNo !== null) earlier += f.customers;
    if (f.toNo !== null) later += f.customers;
    if (f.fromNo !== null && f.toNo !== null) {
      both += f.customers;
      if (f.fromSegment === f.toSegment) stayed += f.customers;
      boughtAgain += f.boughtAgain;
    }
    if (f.fromNo === null) added += f.customers;
    if (f.toNo === null) gone += f.customers;
    revenueSince += f.revenueSince ?? 0;
  }
  return { earlier, later, both, stayed, moved: both - stayed, added, gone, boughtAgain, revenueSince };
}

export type SankeyMeasure = "customers" | "revenue";

/**
 * Sankey nodes (the matrix's rows, then its columns, those with a flow) and links (its non-empty cells, by
 * customers or by revenue since the earlier date), nodes referred to by their index as recharts wants.
 */
export function sankeyData(matrix: MigrationMatrix, measure: SankeyMeasure) {
  const all = [
    ...matrix.rows.map((s, i) => ({ name: s.name, side: "from" as const, no: s.no, at: i })),
    ...matrix.columns.map((s, j) => ({ name: s.name, side: "to" as const, no: s.no, at: j })),
  ];
  const raw: { source: number; target: number; value: number; flow: Flow }[] = [];
  matrix.cells.forEach((row, i) =>
    row.forEach((flow, j) => {
      if (!flow) return;
      const value = measure === "customers" ? flow.customers : Math.max(flow.revenueSince ?? 0, 0);
      if (value > 0) raw.push({ source: i, target: matrix.rows.length + j, value, flow });
    }),
  );
  const used = [...new Set(raw.flatMap((l) => [l.source, l.target]))].sort((a, b) => a - b);
  const at = new Map(used.map((n, k) => [n, k]));
  return { nodes: used.map((n) => all[n]!), links: raw.map((l) => ({ ...l, source: at.get(l.source)!, target: at.get(l.target)! })) };
}
