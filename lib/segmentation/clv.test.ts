import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { aliveAfter, expectedAverageSpend, expectedPurchases, fitBgNbd, fitGammaGamma, FitError, lifetimeValue, probabilityAlive } from "./clv";
import { repeatSummaries, type DatedPurchase } from "./repeat-summary";

/**
 * CDNOW as shipped by lifetimes: whitespace-separated master id, customer id,
 * YYYYMMDD date, CDs, dollars. Loaded as customer, date, amount; analysis date
 * 1997-09-30, unit weeks. The reference values are Fader, Hardie and Lee (2005)
 * for BG/NBD and lifetimes' documentation for Gamma-Gamma.
 */
const CDNOW = path.resolve("../shared/datasets/cdnow-lifetimes");
const toDay = (yyyymmdd: string) => Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) / 86_400_000;

function cdnowPurchases(): DatedPurchase[] {
  return fs
    .readFileSync(path.join(CDNOW, "CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const [, customer, date, , dollars] = line.trim().split(/\s+/);
      return { customerId: String(Number(customer)), day: toDay(date!), amount: Number(dollars) };
    });
}

function csv(name: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(path.join(CDNOW, name), "utf8").trim().split(/\r?\n/);
  const keys = header!.split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [keys[i], v])));
}

const summaries = repeatSummaries(cdnowPurchases(), toDay("19970930"), "weeks");

describe("repeat summaries of CDNOW", () => {
  test("equal lifetimes' cdnow_customers_summary for all 2,357 customers (frequency, recency, T in weeks)", () => {
    const expected = csv("cdnow_customers_summary.csv");
    expect(summaries).toHaveLength(2_357);
    const byId = new Map(summaries.map((s) => [s.customerId, s]));
    for (const row of expected) {
      const s = byId.get(row.ID!)!;
      expect([s.frequency, s.recency.toFixed(2), s.T.toFixed(2)]).toEqual([Number(row.frequency), Number(row.recency).toFixed(2), Number(row.T).toFixed(2)]);
    }
  });

  test("give each repeat customer's mean spend per repeat purchase day, as zbar in the lifetimes file", () => {
    const byId = new Map(summaries.map((s) => [s.customerId, s]));
    for (const row of csv("cdnow_customers_summary_with_transactions.csv")) {
      // The file rounds to cents (22.345 → 22.35); compare within half a cent.
      expect(Math.abs(byId.get(row.ID!)!.monetary - Number(row.zbar))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });
});

describe("BG/NBD on CDNOW", () => {
  const fit = fitBgNbd(summaries);

  test("finds Fader, Hardie and Lee's parameters: r 0.243, alpha 4.414, a 0.793, b 2.426", () => {
    const { r, alpha, a, b } = fit.params;
    expect([r.toFixed(3), alpha.toFixed(3), a.toFixed(3), b.toFixed(3)]).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    // The published log-likelihood of this fit is -9582.4.
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  test("P(alive) is 1 without repeat purchases, and falls the longer a frequent buyer stays away", () => {
    expect(probabilityAlive(fit.params, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    const recent = probabilityAlive(fit.params, { frequency: 5, recency: 38, T: 38.86 });
    const gone = probabilityAlive(fit.params, { frequency: 5, recency: 10, T: 38.86 });
    expect(recent).toBeGreaterThan(0.8);
    expect(gone).toBeLessThan(0.2);
    expect(probabilityAlive(fit.params, { frequency: 5, recency: 30, T: 38.86 })).toBeGreaterThan(gone);
  });

  test("expected purchases grow with the horizon and match lifetimes' value for customer 1 over 39 weeks", () => {
    const customer = { frequency: 2, recency: 30.43, T: 38.86 };
    const values = [1, 10, 39, 78].map((t) => expectedPurchases(fit.params, customer, t));
    expect(values).toEqual([...values].sort((x, y) => x - y));
    // lifetimes: bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86) = 1.226 (r 0.243, alpha 4.414, a 0.793, b 2.426)
    expect(expectedPurchases(fit.params, customer, 39)).toBeCloseTo(1.226, 2);
  });
});

describe("BG/NBD where lifetimes' 2F1 overflows", () => {
  // Fader, Hardie and Lee's CDNOW parameters with α in days (4.414 weeks): a customer who bought every day of a year,
  // forecast over ten years in days. lifetimes' formula gives NaN there (scipy's hyp2f1(r + x, b + x; a + b + x − 1; z)
  // is inf, times 0); the reference is the same formula in 50-digit mpmath.
  const params = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };

  test("a daily buyer's expected purchases over 3,650 days are 1082.72800177126 (was NaN), over 365 days 253.534436224600", () => {
    const daily = { frequency: 363, recency: 363, T: 364 };
    expect(Math.abs(expectedPurchases(params, daily, 3650) / 1082.7280017712629 - 1)).toBeLessThan(1e-12);
    // Where lifetimes' (scipy) formula is finite it agrees: 253.5344362245997 (mpmath), 253.53443622459147 (scipy).
    expect(Math.abs(expectedPurchases(params, daily, 365) / 253.5344362245997 - 1)).toBeLessThan(1e-12);
  });

  test("expected purchases are continuous across a = 1, where (a + b + x − 1)/(a − 1) · [1 − 2F1] is 0/0", () => {
    const c = { frequency: 3, recency: 20, T: 30 };
    const at = (a: number) => expectedPurchases({ ...params, alpha: 4.414, a }, c, 52);
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 6);
  });

  test("a fit with a + b < 1 (c = a + b − 1 < 0 for a one-time buyer, 2F1 negative) forecasts 0.0786585370493243 (was NaN)", () => {
    // BG/NBD fitted to Online Retail II's calibration period (dropout not identified); lifetimes' formula in scipy
    // 0.07865853704932431 and 0.1645169845566961, mpmath (40 digits) 0.0786585370493243128… and 0.164516984556696088…
    const fitted = { r: 0.7825570120701559, alpha: 9.775224932683455, a: 0.0054853454965169985, b: 0.9319578570315653 };
    const once = (T: number) => ({ frequency: 0, recency: 0, T });
    expect(Math.abs(expectedPurchases(fitted, once(30), 4) / 0.07865853704932431 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(expectedPurchases(fitted, once(52), 13) / 0.1645169845566961 - 1)).toBeLessThan(1e-12);
  });

  test("survival of a new customer with a large r: 2F1(r, a; a + b; −t/α) = 4.9793725e-8 (was NaN)", () => {
    // r 300, α 1, a 2, b 3, t 52: mpmath 4.9793725450219156e-8, scipy quad of E[(α/(α + pt))^r] 4.979372545021913e-8.
    expect(Math.abs(aliveAfter({ r: 300, alpha: 1, a: 2, b: 3 }, 52) / 4.9793725450219156e-8 - 1)).toBeLessThan(1e-12);
  });
});

describe("Gamma-Gamma on CDNOW's repeat customers", () => {
  const fit = fitGammaGamma(summaries);

  test("finds lifetimes' parameters: p 6.25, q 3.74, v 15.44", () => {
    const { p, q, v } = fit.params;
    expect([p.toFixed(2), q.toFixed(2), v.toFixed(2)]).toEqual(["6.25", "3.74", "15.44"]);
  });

  test("shrinks a customer's mean spend toward the population mean, less so the more they bought", () => {
    const population = expectedAverageSpend(fit.params, { frequency: 0, monetary: 0 });
    const once = expectedAverageSpend(fit.params, { frequency: 1, monetary: 100 });
    const often = expectedAverageSpend(fit.params, { frequency: 20, monetary: 100 });
    expect(population).toBeLessThan(once);
    expect(once).toBeLessThan(often);
    expect(often).toBeLessThan(100);
  });

  test("lifetime value equals lifetimes' documented values for CDNOW customers 1, 2 and 3 (140.096218, 18.943466, 38.180575)", () => {
    // lifetimes' quickstart: ggf.customer_lifetime_value(bgf, …, time=12, discount_rate=0.01) on this file, whose
    // times are in weeks while its default freq="D" counts a month as 30 of them: our "days" unit (30 per month).
    const bg = fitBgNbd(summaries).params;
    const rows = csv("cdnow_customers_summary_with_transactions.csv").slice(0, 3);
    const values = rows.map((r) =>
      lifetimeValue(bg, fit.params, { frequency: Number(r.x), recency: Number(r.t_x), T: Number(r.T), monetary: Number(r.zbar) }, { months: 12, monthlyDiscount: 0.01, unit: "days" }),
    );
    // Within 0.01%: our parameters are fitted on the transactions, lifetimes' on this file's rounded summaries.
    [140.096218, 18.943466, 38.180575].forEach((expected, i) => expect(Math.abs(values[i]! / expected - 1)).toBeLessThan(1e-4));
  });

  test("lifetime value is positive, grows with the horizon and shrinks with the discount rate", () => {
    const bg = fitBgNbd(summaries).params;
    const customer = { frequency: 2, recency: 30.43, T: 38.86, monetary: 22.35 };
    const year = lifetimeValue(bg, fit.params, customer, { months: 12, monthlyDiscount: 0.01, unit: "weeks" });
    const twoYears = lifetimeValue(bg, fit.params, customer, { months: 24, monthlyDiscount: 0.01, unit: "weeks" });
    const dearMoney = lifetimeValue(bg, fit.params, customer, { months: 12, monthlyDiscount: 0.05, unit: "weeks" });
    expect(year).toBeGreaterThan(0);
    expect(twoYears).toBeGreaterThan(year);
    expect(dearMoney).toBeLessThan(year);
  });
});

describe("data that cannot support a fit gets a clear error, never NaN", () => {
  test("too few customers", () => {
    expect(() => fitBgNbd(summaries.slice(0, 3))).toThrow(FitError);
    expect(() => fitBgNbd(summaries.slice(0, 3))).toThrow(/at least 10 customers/);
  });
  test("no one bought again", () => {
    const oneOff = Array.from({ length: 50 }, () => ({ frequency: 0, recency: 0, T: 10 }));
    expect(() => fitBgNbd(oneOff)).toThrow(/only 0 did/);
    expect(() => fitGammaGamma(oneOff.map(() => ({ frequency: 0, monetary: 0 })))).toThrow(/at least 10 customers who bought again/);
  });
  test("impossible summaries", () => {
    expect(() => fitBgNbd([{ frequency: 1, recency: 12, T: 10 }])).toThrow(/recency ≤ T/);
  });
});
