import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, test } from "vitest";
import { DATASETS } from "../../tests/support/reference-data";
import { analyseRules, assignSegments, matches, presetOf, quantile7, RFM_PACKAGE_RULES, RULE_PRESETS, rfmScores, STANDARD_RULES, summariseSegments, type RfmCustomer } from "./rfm";

/** The rfm package's demo orders, reduced per customer as rfm_table_order does (analysis date 2006-12-31). */
function rfmDataOrders(): RfmCustomer[] {
  const rows = parse(fs.readFileSync(path.join(DATASETS, "rfm-r-package/rfm_data_orders.csv")), { columns: true }) as {
    customer_id: string;
    order_date: string;
    revenue: string;
  }[];
  const analysis = Date.UTC(2006, 11, 31);
  const byCustomer = new Map<string, RfmCustomer & { last: number }>();
  for (const r of rows) {
    const day = Date.parse(`${r.order_date}T00:00:00Z`);
    const c = byCustomer.get(r.customer_id) ?? { customerId: r.customer_id, recencyDays: 0, frequency: 0, monetary: 0, last: 0 };
    c.frequency++;
    c.monetary += Number(r.revenue);
    c.last = Math.max(c.last, day);
    byCustomer.set(r.customer_id, c);
  }
  // dplyr's group_by orders customers by id in the C locale.
  return [...byCustomer.values()]
    .map(({ last, ...c }) => ({ ...c, recencyDays: (analysis - last) / 86_400_000 }))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

describe("quantile7", () => {
  test.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.2, 1.6],
    [[5], 0.7, 5],
    [[1, 1, 1, 9], 0.5, 1],
  ])("of %j at %d is %d (R: quantile(x, p))", (values, p, expected) => {
    expect(quantile7(values, p)).toBeCloseTo(expected, 12);
  });
});

describe("rfmScores on the rfm package's demo orders", () => {
  const customers = rfmDataOrders();
  const result = rfmScores(customers);
  const byId = new Map(result.customers.map((c) => [c.customerId, c]));

  test("reduces 4,906 orders to 995 customers, as the package's test says", () => {
    expect(customers).toHaveLength(995);
    expect(customers.reduce((s, c) => s + c.frequency, 0)).toBe(4_906);
  });

  test("scores Aden Murphy as the package does: 98 days, 7 orders, 596 -> R 5, F 4, M 4, score 544", () => {
    expect(byId.get("Aden Murphy")).toMatchObject({ recencyDays: 98, frequency: 7, monetary: 596, recencyScore: 5, frequencyScore: 4, monetaryScore: 4, rfmScore: 544 });
  });

  test("gives equal values the same score and most recent customers the top recency score", () => {
    const scoreOf = new Map<number, Set<number>>();
    for (const c of result.customers) {
      if (!scoreOf.has(c.frequency)) scoreOf.set(c.frequency, new Set());
      scoreOf.get(c.frequency)!.add(c.frequencyScore);
    }
    expect([...scoreOf.values()].every((s) => s.size === 1)).toBe(true);
    const newest = result.customers.reduce((a, b) => (a.recencyDays <= b.recencyDays ? a : b));
    expect(newest.recencyScore).toBe(5);
    expect(result.customers.every((c) => c.recencyScore >= 1 && c.recencyScore <= 5)).toBe(true);
  });

  test("matches the package's own segment test: Champions are 158 customers, 1,234 orders, 120,178 revenue", () => {
    // (The same test also lists the first ten customers; its data version had other names, e.g. "Abbey O'Reilly DVM".)
    const segments = assignSegments(result.customers, RFM_PACKAGE_RULES);
    const champions = summariseSegments(customers, segments).find((s) => s.name === "Champions")!;
    expect(champions).toMatchObject({ customers: 158, orders: 1_234, revenue: 120_178 });
    expect(segments[customers.findIndex((c) => c.customerId === "Aden Murphy")]).toBe("Champions");
  });

  test("takes explicit breakpoints, as rfm_table_order's custom thresholds", () => {
    const custom = rfmScores(customers, { recencyBins: [115, 181, 297, 482], frequencyBins: [4, 5, 6, 8], monetaryBins: [256, 382, 506, 666] });
    expect(custom.bins.frequency.map((b) => [b.lower, b.upper, b.score])).toEqual([
      [Math.min(...customers.map((c) => c.frequency)), 4, 1],
      [4, 5, 2],
      [5, 6, 3],
      [6, 8, 4],
      [8, Math.max(...customers.map((c) => c.frequency)) + 1, 5],
    ]);
    expect(custom.customers.reduce((s, c) => s + c.frequency, 0)).toBe(4_906);
  });

  test.each([
    [{ recencyBins: 1 }, /recencyBins must be a whole number of bins from 2 to 10/],
    [{ frequencyBins: 11 }, /frequencyBins/],
    [{ monetaryBins: [5, 3] }, /monetaryBins breakpoints must increase/],
  ])("refuses bins %j", (options, message) => {
    expect(() => rfmScores(customers, options)).toThrow(message);
  });
});

/** Score combinations (5 bins) that no rule matches, counted cell by cell without analyseRules. */
function uncoveredByBruteForce(rules: typeof STANDARD_RULES): number {
  let n = 0;
  for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) if (!rules.some((rule) => matches(rule, r, f, m))) n++;
  return n;
}

describe("analyseRules", () => {
  test("finds what R's rfm package table does under first-match: three shadowed rules, 36 uncovered scores", () => {
    const report = analyseRules(RFM_PACKAGE_RULES, { recency: 5, frequency: 5, monetary: 5 });
    expect(report.unreachable).toEqual([
      // R 4-5, F 1, M 1 lies inside Potential Loyalist's R 3-5, F 1-3, M 1-3; likewise Promising's R 3-4.
      { rule: "New Customers", coveredBy: ["Potential Loyalist"] },
      { rule: "Promising", coveredBy: ["Potential Loyalist"] },
      // R 1, F 4-5, M 4-5 lies inside At Risk's R 1-2, F 2-5, M 2-5.
      { rule: "Can't Lose Them", coveredBy: ["At Risk"] },
    ]);
    // 36, as counted cell by cell (also by a separate Python loop over the same ranges).
    expect(report.uncovered).toHaveLength(36);
    expect(uncoveredByBruteForce(RFM_PACKAGE_RULES)).toBe(36);
    expect(report.uncovered).toContainEqual([5, 5, 1]); // Champions need M >= 4, Loyal M >= 3, Potential F <= 3
    expect(report.uncovered).toContainEqual([1, 1, 3]); // Lost needs M <= 2, At Risk needs F >= 2
  });

  test("the standard table gives each of the 125 score combinations exactly one segment", () => {
    for (let r = 1; r <= 5; r++)
      for (let f = 1; f <= 5; f++)
        for (let m = 1; m <= 5; m++) {
          const hits = STANDARD_RULES.filter((rule) => matches(rule, r, f, m)).map((rule) => rule.name);
          expect(hits, `R ${r} F ${f} M ${m}`).toHaveLength(1);
        }
    expect(new Set(STANDARD_RULES.map((r) => r.name)).size).toBe(STANDARD_RULES.length);
  });

  test("the standard table shadows no rule: each matches combinations no earlier rule takes, and nothing is Others", () => {
    const report = analyseRules(STANDARD_RULES, { recency: 5, frequency: 5, monetary: 5 });
    expect(report).toEqual({ unreachable: [], uncovered: [] });
    // In any order (a partition does not depend on it).
    expect(analyseRules([...STANDARD_RULES].reverse(), { recency: 5, frequency: 5, monetary: 5 })).toEqual({ unreachable: [], uncovered: [] });
  });

  test("the standard table keeps the usual segment names", () => {
    expect(STANDARD_RULES.map((r) => r.name).sort()).toEqual(
      ["About To Sleep", "At Risk", "Can't Lose Them", "Champions", "Hibernating", "Lost", "Loyal Customers", "Need Attention", "New Customers", "Potential Loyalist", "Promising"].sort(),
    );
  });

  test("the presets are the standard table and R's, and a saved table is recognised as its preset", () => {
    expect(RULE_PRESETS.map((p) => p.label)).toEqual(["Standard (every score combination in one segment)", "R rfm (package default)"]);
    expect(presetOf(JSON.parse(JSON.stringify(RFM_PACKAGE_RULES)))?.key).toBe("rfm-package");
    expect(presetOf(STANDARD_RULES)?.key).toBe("standard");
    expect(presetOf(STANDARD_RULES.slice(1))).toBeNull();
  });

  test("lists the score combinations no rule covers", () => {
    const report = analyseRules([{ name: "Best", recency: [2, 2], frequency: [1, 2], monetary: [1, 2] }], { recency: 2, frequency: 2, monetary: 2 });
    expect(report.uncovered).toEqual([
      [1, 1, 1],
      [1, 1, 2],
      [1, 2, 1],
      [1, 2, 2],
    ]);
    expect(report.unreachable).toEqual([]);
  });
});
