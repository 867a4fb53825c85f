import { describe, expect, test } from "vitest";
import { bestRule, flags, holdoutFigures, judgeRule, medianGap, ownPace, recencyRules, weekEnds, type CalibrationCustomer, type ChurnRule } from "./holdout";

/**
 * Four customers worked by hand (days): A bought 3 times over 20 days, 100
 * days ago first, and twice in the holdout; B once, 30 days ago, never again;
 * C twice, 50 days apart, last 10 days ago, never again; D once, 200 days ago,
 * back on day 20 (after a 14-day holdout: not counted).
 */
const A: CalibrationCustomer = { frequency: 2, recencyDays: 20, tDays: 100, holdoutDays: [5, 12] };
const B: CalibrationCustomer = { frequency: 0, recencyDays: 0, tDays: 30, holdoutDays: [] };
const C: CalibrationCustomer = { frequency: 1, recencyDays: 50, tDays: 60, holdoutDays: [] };
const D: CalibrationCustomer = { frequency: 0, recencyDays: 0, tDays: 200, holdoutDays: [20] };
const customers = [A, B, C, D];

describe("holdout figures", () => {
  test("weeks end every 7 days, the last at the holdout's end", () => {
    expect(weekEnds(14)).toEqual([7, 14]);
    expect(weekEnds(17)).toEqual([7, 14, 17]);
    expect(weekEnds(5)).toEqual([5]);
  });

  test("each customer's own pace against what they did: totals, error per customer, cumulative weeks", () => {
    const f = holdoutFigures(customers, 14, ownPace);
    // Actual: A's days 5 and 12 (D's day 20 is after the holdout). Forecast: A 2/100 a day, C 1/60 a day.
    expect(f.actual).toBe(2);
    expect(f.predicted).toBeCloseTo(0.28 + 14 / 60, 12);
    expect(f.mae).toBeCloseTo((Math.abs(0.28 - 2) + 0 + 14 / 60 + 0) / 4, 12);
    expect(f.tracking.map((t) => t.actual)).toEqual([1, 2]);
    expect(f.tracking[0]!.predicted).toBeCloseTo(0.14 + 7 / 60, 12);
  });
});

describe("churn rules judged like classifiers", () => {
  const gap = medianGap(customers);
  const judge = (rule: ChurnRule) => judgeRule(rule, customers, (c) => flags(rule, c, { medianGap: gap }));

  test("the median gap is of repeat customers only (A: 10 days, C: 50)", () => {
    expect(gap).toBe(30);
  });

  test("no purchase in 90 days flags D alone, who came back: precision 0 of 1, recall 0 of 2", () => {
    expect(judge({ kind: "days", days: 90 })).toMatchObject({ flagged: 1, flaggedGone: 0, gone: 2, precision: 0, recall: 0, f1: 0 });
  });

  test("no purchase in 30 days flags A, B and D: precision 1/3, recall 1/2, F1 0.4", () => {
    const r = judge({ kind: "days", days: 30 });
    expect(r).toMatchObject({ flagged: 3, flaggedGone: 1, gone: 2 });
    expect(r.precision).toBeCloseTo(1 / 3, 12);
    expect(r.recall).toBeCloseTo(1 / 2, 12);
    expect(r.f1).toBeCloseTo(0.4, 12);
  });

  test("twice the typical gap: A (80 > 20) and D (200 > 2 × 30, the median for a one-time buyer)", () => {
    expect(judge({ kind: "gaps", times: 2 })).toMatchObject({ flagged: 2, flaggedGone: 0 });
  });

  test("P(alive) rules flag below the threshold; nobody flagged has no precision", () => {
    const pAlive = [0.9, 0.2, 0.4, 0.6];
    const rule: ChurnRule = { kind: "p_alive", model: "bgnbd", below: 0.5 };
    const r = judgeRule(rule, customers, (c, i) => flags(rule, c, { medianGap: gap, pAlive: pAlive[i] }));
    expect(r).toMatchObject({ flagged: 2, flaggedGone: 2, precision: 1, recall: 1, f1: 1 });
    const none = judgeRule(rule, customers, () => false);
    expect(none.precision).toBeNull();
  });

  test("the best rule by F1, the first listed on a tie; recency rules shorter than the period, 90 days always", () => {
    expect(bestRule([{ f1: 0.2, n: 1 }, { f1: 0.4, n: 2 }, { f1: 0.4, n: 3 }])?.n).toBe(2);
    expect(recencyRules(100).filter((r) => r.kind === "days").map((r) => (r.kind === "days" ? r.days : 0))).toEqual([30, 60, 90]);
  });
});
