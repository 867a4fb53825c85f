import fs from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { inUnit } from "../queries/repeat-summary";
import { CHURN_MODELS } from "../segmentation/churn-models";
import { expectedAverageSpend, expectedPurchases, lifetimeValue, probabilityAlive } from "../segmentation/clv";
import { repeatSummaries } from "../segmentation/repeat-summary";
import { customerValues, fitChosen, fitChosenOffThread } from "./lifetime-values";

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

describe.each(["bgnbd", "mbgnbd", "paretonbd"] as const)("customerValues with %s", (model) => {
  // Each model's expected purchases are computed as P(alive) times the purchases if alive (of (x, T) alone, once per
  // pair), Pareto/NBD's P(alive) with its tail integrals shared (probabilityAliveOf): each customer's values must
  // still be the model's formulas applied to that customer alone (their own tests hold them to lifetimes').
  test("gives every customer the model's P(alive), expected purchases and discounted lifetime value", () => {
    const fit = fitChosen(repeats, model, null, "no check");
    const values = customerValues(repeats, { fit, horizonMonths: 12, monthlyDiscount: 0.01 });
    if (!values.ok) throw new Error(values.error);
    expect(values.model).toBe(model);
    const spec = CHURN_MODELS[model];
    for (const c of inUnit(repeats, "weeks")) {
      const v = values.values.get(c.customerId)!;
      let discounted = 0;
      for (let month = 1; month <= 12; month++) {
        const bought = spec.expectedPurchases(values.params, c, month * 4.345) - spec.expectedPurchases(values.params, c, (month - 1) * 4.345);
        discounted += bought / 1.01 ** month;
      }
      expect(v.pAlive).toBeCloseTo(spec.probabilityAlive(values.params, c), 12);
      expect(v.expectedPurchases).toBeCloseTo(spec.expectedPurchases(values.params, c, 12 * 4.345), 10);
      expect(v.clv!).toBeCloseTo(expectedAverageSpend(values.gammaGamma!, c) * discounted, 8);
    }
  });
});

/**
 * The model's fit (fitChosen) on a worker thread: on UCI Online Retail's
 * 4,338 customers it took 190 to 510 ms on the web server's thread (2 busy
 * cores), holding every other request. Purchases from the file itself
 * (customer ids present, no cancellations, positive quantity and price).
 */
const UCI = path.resolve("../shared/datasets/online-retail-uci/online_retail.csv.gz");

describe.runIf(fs.existsSync(UCI))("fitChosenOffThread", () => {
  test("gives fitChosen's fit on UCI without holding the event loop 100 ms", { retry: 1, timeout: 60_000 }, async () => {
    const lines = gunzipSync(fs.readFileSync(UCI)).toString("latin1").split("\n").slice(1);
    const bought: { customerId: string; day: number; amount: number }[] = [];
    for (const line of lines) {
      // Descriptions may hold commas: the last five columns are read from the end.
      const f = line.split(",");
      if (f.length < 8) continue;
      const [quantity, date, price, customer] = f.slice(-5, -1) as [string, string, string, string];
      if (!customer || f[0]!.startsWith("C") || +quantity <= 0 || +price <= 0) continue;
      bought.push({ customerId: customer, day: Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000, amount: +quantity * +price });
    }
    const end = bought.reduce((m, p) => Math.max(m, p.day), 0) + 1;
    const uciRepeats = repeatSummaries(bought, end, "days").map((s) => ({ customerId: s.customerId, frequency: s.frequency, recencyDays: s.recency, tDays: s.T, monetary: s.monetary }));
    expect(uciRepeats).toHaveLength(4338);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    // The histogram counts from its timer's first turn: let it start before the fit.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const off = await fitChosenOffThread(uciRepeats, "paretonbd", null, "no check");
    // The delay is recorded when the timer runs again: a fit that held the thread shows then.
    await new Promise((resolve) => setTimeout(resolve, 30));
    delay.disable();
    expect(off).toEqual(fitChosen(uciRepeats, "paretonbd", null, "no check"));
    expect(delay.max / 1e6, `longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms`).toBeLessThan(100);
  });
});
