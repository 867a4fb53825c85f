import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { inUnit } from "../queries/repeat-summary";
import { expectedPurchases, lifetimeValue, probabilityAlive } from "../segmentation/clv";
import { repeatSummaries } from "../segmentation/repeat-summary";
import { customerValues } from "./lifetime-values";

/**
 * customerValues computes the hypergeometric part of the expected purchases
 * once per (repeat purchases, age) and shares it between the customers who
 * have them: each customer's values must be those of the formulas applied to
 * that customer alone (lib/segmentation/clv.ts, held to lifetimes' published
 * values in its own tests), on CDNOW's 2,357 customers.
 */
const CDNOW = path.resolve("../shared/datasets/cdnow-lifetimes");
const toDay = (yyyymmdd: string) => Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) / 86_400_000;
const purchases = fs
  .readFileSync(path.join(CDNOW, "CDNOW_sample.txt"), "utf8")
  .split(/\r?\n/)
  .filter((line) => line.trim())
  .map((line) => {
    const [, customer, date, , dollars] = line.trim().split(/\s+/);
    return { customerId: String(Number(customer)), day: toDay(date!), amount: Number(dollars) };
  });
const repeats = repeatSummaries(purchases, toDay("19970930"), "days").map((s) => ({
  customerId: s.customerId,
  frequency: s.frequency,
  recencyDays: s.recency,
  tDays: s.T,
  monetary: s.monetary,
}));

describe("customerValues", () => {
  test("gives every customer the P(alive), expected purchases and lifetime value of the formulas applied to them alone", () => {
    const values = customerValues(repeats, { horizonMonths: 12, monthlyDiscount: 0.01 });
    if (!values.ok) throw new Error(values.error);
    expect(values.model).toBe("bgnbd");
    const { r, alpha, a, b } = values.params as { r: number; alpha: number; a: number; b: number };
    const bg = { r, alpha, a, b };
    const horizon = { months: 12, monthlyDiscount: 0.01, unit: "weeks" as const };
    const customers = inUnit(repeats, "weeks");
    expect(customers).toHaveLength(2357);
    // Customers share (x, T) but not t_x: the shared part must not carry one customer's t_x to another.
    expect(new Set(customers.map((c) => `${c.frequency}|${c.T}`)).size).toBeLessThan(new Set(customers.map((c) => `${c.frequency}|${c.recency}|${c.T}`)).size);
    for (const c of customers) {
      const v = values.values.get(c.customerId)!;
      expect(v.pAlive).toBeCloseTo(probabilityAlive(bg, c), 12);
      expect(v.expectedPurchases).toBeCloseTo(expectedPurchases(bg, c, 12 * 4.345), 10);
      expect(v.clv!).toBeCloseTo(lifetimeValue(bg, values.gammaGamma!, c, horizon), 8);
    }
  });
});
