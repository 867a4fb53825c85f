import hyp2f1 from "@stdlib/math-base-special-hyp2f1";
import { describe, expect, test } from "vitest";
import { cdnowSummary } from "../../tests/support/cdnow-summary";
import { FitError } from "./clv";
import { aliveAfter, expectedPurchases, fitMbgNbd, mbgNbdLogLikelihood, probabilityAlive } from "./mbgnbd";

/**
 * MBG/NBD against values from outside this code: lifetimes' own tests
 * (tests/test_estimation.py, class TestModifiedBetaGammaFitter, which take
 * the parameters from R's BTYDplus and the predictions from Hardie's BG/NBD
 * spreadsheet, hence their loose tolerances). The exact checks of P(alive)
 * and expected purchases (integrals over the mixing distributions), of
 * survival (a simulation) and fits of simulated customers are in
 * churn-models.test.ts.
 */

const customers = cdnowSummary();

describe("MBG/NBD on CDNOW (lifetimes' cdnow_customers_summary, weeks)", () => {
  const fit = fitMbgNbd(customers);

  test("finds BTYDplus' parameters to the third decimal: r 0.525, alpha 6.183, a 0.891, b 1.614", () => {
    // lifetimes test_params_out_is_close_to_BTYDplus: assert_array_almost_equal(decimal=3), |difference| < 0.0015.
    const { r, alpha, a, b } = fit.params;
    [r, alpha, a, b].forEach((value, i) => expect(Math.abs(value - [0.525, 6.183, 0.891, 1.614][i]!)).toBeLessThan(0.0015));
    expect([r.toFixed(3), alpha.toFixed(3), a.toFixed(3), b.toFixed(3)]).toEqual(["0.525", "6.183", "0.891", "1.614"]);
  });

  test("its log-likelihood is the sum of the customers' (the grouped, analytic-gradient fit evaluates the same function)", () => {
    const sum = customers.reduce((total, c) => total + mbgNbdLogLikelihood(fit.params, c), 0);
    expect(sum).toBeCloseTo(fit.logLikelihood, 6);
  });

  test("conditional expected purchases of x 2, t_x 30.43, T 38.86 over 39 weeks are within 0.05 of 1.226", () => {
    // lifetimes test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet (Hardie's BG/NBD value, so loose).
    expect(Math.abs(expectedPurchases(fit.params, { frequency: 2, recency: 30.43, T: 38.86 }, 39) - 1.226)).toBeLessThan(0.05);
  });

  test("a new customer's expected purchases match Hardie's spreadsheet within 5%", () => {
    // lifetimes test_expectation_returns_same_value_Hardie_excel_sheet (expected_number_of_purchases_up_to_time, rtol
    // 0.05): a customer just acquired is x = t_x = T = 0, where the conditional formula is the unconditional one.
    const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => {
      const value = expectedPurchases(fit.params, { frequency: 0, recency: 0, T: 0 }, t);
      expect(Math.abs(value / expected[i]! - 1)).toBeLessThan(0.05);
    });
  });

  test("P(alive) is below 1 without repeat purchases (dropout may follow the first purchase) and in [0, 1] everywhere", () => {
    // lifetimes test_conditional_probability_alive_returns_lessthan_1_if_no_repeat_purchases (frequency 0, recency 1,
    // T 1, as it passes them) and test_conditional_probability_alive_is_between_0_and_1 (its grid).
    expect(probabilityAlive(fit.params, { frequency: 0, recency: 1, T: 1 })).toBeLessThan(1);
    for (let x = 0; x < 100; x += 10) {
      for (let tx = 0; tx < 100; tx += 10) {
        for (let T = tx; T < 100; T += 10) {
          const p = probabilityAlive(fit.params, { frequency: x, recency: tx, T });
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});

describe("MBG/NBD expected purchases", () => {
  const params = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

  test("equal lifetimes' formula, 2F1(r + x, b + x + 1; a + b + x; z) taken plainly, where that does not overflow", () => {
    // lifetimes' conditional_expected_number_of_purchases_up_to_time, line by line, with the same Cephes 2F1 as scipy's.
    const lifetimes = ({ r, alpha, a, b }: typeof params, x: number, tx: number, T: number, t: number) => {
      const hypTerm = hyp2f1(r + x, b + x + 1, a + b + x, t / (alpha + T + t));
      const numerator = ((a + b + x) / (a - 1)) * (1 - hypTerm * ((alpha + T) / (alpha + t + T)) ** (r + x));
      return numerator / (1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x));
    };
    for (const [x, tx, T, t] of [
      [0, 0, 20, 10],
      [2, 30.43, 38.86, 39],
      [7, 10, 38, 52],
      [30, 36, 38, 20],
    ] as const) {
      const value = expectedPurchases(params, { frequency: x, recency: tx, T }, t);
      expect(Math.abs(value / lifetimes(params, x, tx, T, t) - 1)).toBeLessThan(1e-9);
    }
  });

  test("stay finite for very frequent buyers, are 0 over no time, grow with the horizon, and are continuous across a = 1", () => {
    // 500 purchases in 38.86 weeks, the last just now: the plain 2F1 would be about 10^300.
    const frequent = { frequency: 500, recency: 38.86, T: 38.86 };
    const value = expectedPurchases(params, frequent, 52);
    expect(Number.isFinite(value)).toBe(true);
    // Below the posterior mean rate (r + x) / (alpha + T), about 11 a week, for all 52 weeks: dropout can only lower it.
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(((params.r + 500) / (params.alpha + 38.86)) * 52);
    const c = { frequency: 3, recency: 20, T: 30 };
    expect(expectedPurchases(params, c, 0)).toBe(0);
    const values = [1, 10, 52, 520].map((t) => expectedPurchases(params, c, t));
    expect(values).toEqual([...values].sort((x, y) => x - y));
    const at = (a: number) => expectedPurchases({ ...params, a }, c, 52);
    expect(at(1)).toBeCloseTo((at(1 - 1e-4) + at(1 + 1e-4)) / 2, 6);
  });
});

describe("MBG/NBD with large Beta parameters (fits to a few hundred customers)", () => {
  // Fitted to 100 CDNOW customers: dropout chance p ~ Beta(3·10^4, 3.6·10^5), nearly fixed at 7.7%. Euler's form of
  // the 2F1, (1 − z)^(a − 1) · 2F1(a + b − r, a − 1; a + b + x; z), is Infinity there (scipy's too), and the expected
  // purchases were −Infinity. References: lifetimes' formula with scipy's hyp2f1 (finite here: its parameters are
  // small at x = 0) and the same in 50-digit mpmath, which agree to 1e-15; scipy.integrate.quad of E[(1 − e^(−λpt))/p]
  // over the posteriors, with no 2F1, agrees to 1e-9.
  const params = { r: 0.3423871271060003, alpha: 6.506231587651111, a: 30283.128843606875, b: 360320.30695660796 };

  test.each([
    [0, 0, 38.71, 1, 0.0065021869896510336],
    [0, 0, 38.71, 4, 0.025919446684459841],
    [0, 0, 38.71, 52, 0.31955816557012378],
    [1, 32.714285714285715, 40.42857142857143, 52, 1.2202277203376061],
    [30, 36, 38, 20, 6.2247430340967239],
    [500, 38.86, 38.86, 52, 11.915288678021192],
  ])("expected purchases of x %d, t_x %d, T %d over %d weeks are %d to 1e-12", (x, tx, T, t, reference) => {
    const value = expectedPurchases(params, { frequency: x, recency: tx, T }, t);
    expect(Math.abs(value / reference - 1)).toBeLessThan(1e-12);
  });

  test("a fit to every 16th CDNOW customer (147, from the 11th) lands there, and forecasts every customer finitely", () => {
    const fit = fitMbgNbd(customers.filter((_, i) => i % 16 === 10));
    expect(fit.params.a).toBeGreaterThan(1000);
    for (const c of customers) {
      const value = expectedPurchases(fit.params, c, 52);
      expect(value).toBeGreaterThanOrEqual(0);
      // At most the posterior mean rate of a live customer, (r + x) / (α + T), over the 52 weeks.
      expect(value).toBeLessThanOrEqual(((fit.params.r + c.frequency) / (fit.params.alpha + c.T)) * 52 * (1 + 1e-12));
    }
  });

  test("survival of a new customer with a large r: b/(a + b) · 2F1(r, a; a + b + 1; −t/α) = 4.9787278e-8 (was NaN)", () => {
    // r 300, α 1, a 2, b 3, t 52: mpmath 4.9787277999896846e-8, scipy quad of E[(1 − p)(α/(α + pt))^r] 4.978727799989681e-8.
    expect(Math.abs(aliveAfter({ r: 300, alpha: 1, a: 2, b: 3 }, 52) / 4.9787277999896846e-8 - 1)).toBeLessThan(1e-12);
  });
});

describe("MBG/NBD on data it cannot fit", () => {
  test("too few customers, or no one bought again: a FitError, never NaN", () => {
    expect(() => fitMbgNbd(customers.slice(0, 5))).toThrow(FitError);
    expect(() => fitMbgNbd(Array.from({ length: 50 }, () => ({ frequency: 0, recency: 0, T: 10 })))).toThrow(/only 0 did/);
    expect(() => fitMbgNbd([{ frequency: 1, recency: 12, T: 10 }])).toThrow(/recency ≤ T/);
  });
  // A realistic shop without dropout is fitted, to a/(a + b) ≈ 0, in churn-models.test.ts.
});
