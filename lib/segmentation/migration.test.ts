import { describe, expect, test } from "vitest";
import { GONE, migrationMatrix, migrationSummary, NEW, sankeyData, type Flow } from "./migration";

const flow = (fromNo: number | null, fromSegment: string, toNo: number | null, toSegment: string, customers: number, revenueBefore: number | null, revenue: number | null, boughtAgain = 0): Flow => ({
  fromNo,
  fromSegment,
  toNo,
  toSegment,
  customers,
  revenue,
  revenueBefore,
  revenueSince: revenue === null ? null : revenue - (revenueBefore ?? 0),
  boughtAgain,
});

// Two segments then (0 Champions, 1 At Risk), two now (0 Champions, 1 At Risk), new buyers, and one customer gone.
const flows = [
  flow(0, "Champions", 0, "Champions", 5, 500, 800, 4),
  flow(0, "Champions", 1, "At Risk", 2, 100, 100),
  flow(1, "At Risk", 0, "Champions", 1, 20, 70, 1),
  flow(1, "At Risk", 1, "At Risk", 3, 60, 60),
  flow(1, "At Risk", null, GONE, 1, 10, null),
  flow(null, NEW, 1, "At Risk", 4, null, 40, 4),
];
const order = [
  { no: 0, name: "Champions" },
  { no: 1, name: "At Risk" },
  { no: 2, name: "Hibernating" },
];

describe("migrationMatrix", () => {
  const m = migrationMatrix(flows, order, order);

  test("rows in the earlier run's order, then New; columns in the later run's, then Gone; empty segments left out", () => {
    expect(m.rows.map((r) => r.name)).toEqual(["Champions", "At Risk", NEW]);
    expect(m.columns.map((c) => c.name)).toEqual(["Champions", "At Risk", GONE]);
    expect(m.cells.map((row) => row.map((c) => c?.customers ?? 0))).toEqual([
      [5, 2, 0],
      [1, 3, 1],
      [0, 4, 0],
    ]);
  });

  test("totals: rows are the earlier segments' sizes, columns the later ones', revenue since summed", () => {
    expect(m.rowTotals.map((t) => t.customers)).toEqual([7, 5, 4]);
    expect(m.columnTotals.map((t) => t.customers)).toEqual([6, 9, 1]);
    expect(m.total).toEqual({ customers: 16, revenue: 1070, revenueBefore: 690, revenueSince: 390, boughtAgain: 9 });
    expect(m.rowTotals[1]).toMatchObject({ revenueSince: 50, boughtAgain: 1 });
  });

  test("the summary counts who stayed, moved, came and went", () => {
    expect(migrationSummary(flows)).toEqual({ earlier: 12, later: 15, both: 11, stayed: 8, moved: 3, added: 4, gone: 1, boughtAgain: 5, revenueSince: 390 });
  });

  test("Sankey links by customers or by revenue since, over the nodes that have one, indexed as recharts wants", () => {
    const byCustomers = sankeyData(m, "customers");
    expect(byCustomers.nodes.map((n) => `${n.side}:${n.name}`)).toEqual(["from:Champions", "from:At Risk", "from:New", "to:Champions", "to:At Risk", "to:Gone"]);
    expect(byCustomers.links.map((l) => [l.source, l.target, l.value])).toEqual([
      [0, 3, 5],
      [0, 4, 2],
      [1, 3, 1],
      [1, 4, 3],
      [1, 5, 1],
      [2, 4, 4],
    ]);
    // No revenue since: Champions → At Risk, At Risk staying, and Gone have no band, and Gone no node.
    const byRevenue = sankeyData(m, "revenue");
    expect(byRevenue.nodes.map((n) => `${n.side}:${n.name}`)).toEqual(["from:Champions", "from:At Risk", "from:New", "to:Champions", "to:At Risk"]);
    expect(byRevenue.links.map((l) => [l.source, l.target, l.value])).toEqual([
      [0, 3, 300],
      [1, 3, 50],
      [2, 4, 40],
    ]);
  });
});
