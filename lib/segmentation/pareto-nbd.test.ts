import { describe, expect, test } from "vitest";
import { cdnowSummary } from "../../tests/support/cdnow-summary";
import { FitError, type RepeatSummary } from "./clv";
import { expectedPurchases, fitParetoNbd, PARETO_NBD_DROPOUT_FLOOR, PARETO_NBD_SHAPE_CAP, paretoNbdLogLikelihood, paretoNbdObjective, probabilityAlive } from "./pareto-nbd";

/**
 * Pareto/NBD against values from outside this code: lifetimes' own tests
 * (tests/test_estimation.py, class TestParetoNBDFitter, which take them from
 * Fader and Hardie's papers and R's BTYD), Fader, Hardie and Lee (2005) for the
 * CDNOW log-likelihood, and mpmath for the likelihood where its
 * hypergeometric function is hard. The cross-model checks (P(alive) and
 * expected purchases against integrals over the mixing distributions,
 * survival against a simulation, fits of simulated customers) are in
 * churn-models.test.ts.
 */

const customers = cdnowSummary();

describe("Pareto/NBD on CDNOW (lifetimes' cdnow_customers_summary, weeks)", () => {
  const fit = fitParetoNbd(customers);

  test("finds lifetimes' parameters to the second decimal: r 0.553, alpha 10.578, s 0.606, beta 11.669", () => {
    // lifetimes test_params_out_is_close_to_Hardie_paper: assert_array_almost_equal(decimal=2), |difference| < 0.015.
    const { r, alpha, s, beta } = fit.params;
    [r, alpha, s, beta].forEach((value, i) => expect(Math.abs(value - [0.553, 10.578, 0.606, 11.669][i]!)).toBeLessThan(0.015));
    expect([r.toFixed(2), alpha.toFixed(2), s.toFixed(2), beta.toFixed(2)]).toEqual(["0.55", "10.58", "0.61", "11.67"]);
    // Fader, Hardie and Lee (2005, "Counting your customers the easy way", table 1): Pareto/NBD log-likelihood −9595.0.
    expect(Math.abs(fit.logLikelihood - -9595.0)).toBeLessThan(0.05);
  });

  test("its log-likelihood is the sum of the customers' (the grouped, analytic-gradient fit evaluates the same function)", () => {
    const sum = customers.reduce((total, c) => total + paretoNbdLogLikelihood(fit.params, c), 0);
    expect(sum).toBeCloseTo(fit.logLikelihood, 6);
  });

  test("conditional expected purchases equal R BTYD's 25.46 for x 26, t_x 30.86, T 31 over 52 weeks", () => {
    // lifetimes test_conditional_expectation_returns_same_value_as_R_BTYD (BTYD walkthrough): within 0.01.
    expect(Math.abs(expectedPurchases(fit.params, { frequency: 26, recency: 30.86, T: 31 }, 52) - 25.46)).toBeLessThan(0.01);
  });

  test("a new customer's expected purchases over 0 … 9 weeks equal R BTYD's within 0.01", () => {
    // lifetimes test_expectation_returns_same_value_as_R_BTYD (expected_number_of_purchases_up_to_time, atol 0.01): a
    // customer just acquired is x = t_x = T = 0, where the conditional formula is the unconditional one.
    const expected = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    expected.forEach((value, t) => expect(Math.abs(expectedPurchases(fit.params, { frequency: 0, recency: 0, T: 0 }, t) - value)).toBeLessThan(0.01));
  });
});

describe("Pareto/NBD predictions for single customers (lifetimes' published values)", () => {
  test("P(alive) of x 26, t_x 30.86, T 31 is BTYD's 0.9979 at r 0.5534, alpha 10.5802, s 0.6061, beta 11.6562", () => {
    // lifetimes test_conditional_probability_alive (BTYD walkthrough, page 8): within 0.001.
    const params = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };
    expect(Math.abs(probabilityAlive(params, { frequency: 26, recency: 30.86, T: 31 }) - 0.9979)).toBeLessThan(0.001);
  });

  test("expected purchases of very frequent buyers neither underflow nor jump (x 132 and 133 over t_x = T = 200)", () => {
    // lifetimes test_conditional_expectation_underflow, with the values it notes beside the calls.
    const params = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };
    expect(expectedPurchases(params, { frequency: 132, recency: 200, T: 200 }, 10)).toBeCloseTo(6.2060517889632418, 9);
    expect(expectedPurchases(params, { frequency: 133, recency: 200, T: 200 }, 10)).toBeCloseTo(6.2528722475748113, 9);
  });

  test("P(alive) stays in [0, 1], finite, where the plain hypergeometric form overflows", () => {
    // lifetimes test_conditional_probability_alive_overflow_error and test_overflow_error (its parameters and customers).
    const params = { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 };
    for (const [frequency, recency, T] of [
      [40, 5, 6],
      [50, 1, 37],
      [50, 4, 37],
      [400, 5, 6],
      [500, 1, 37],
      [500, 4, 37],
    ] as const) {
      const p = probabilityAlive(params, { frequency, recency, T });
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Number.isFinite(paretoNbdLogLikelihood(params, { frequency, recency, T }))).toBe(true);
    }
  });

  test("P(alive) is in [0, 1] over lifetimes' grid of frequency, recency and age", () => {
    // lifetimes test_conditional_probability_alive_is_between_0_and_1.
    const params = fitParetoNbd(customers).params;
    for (let x = 0; x < 100; x += 10) {
      for (let tx = 0; tx < 100; tx += 10) {
        for (let T = Math.max(tx, 1); T < 100; T += 10) {
          const p = probabilityAlive(params, { frequency: x, recency: x === 0 ? 0 : tx, T });
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  test("expected purchases are 0 over no time, grow with the horizon, and are continuous across s = 1", () => {
    const c = { frequency: 3, recency: 20, T: 30 };
    const params = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };
    expect(expectedPurchases(params, c, 0)).toBe(0);
    const values = [1, 10, 52, 520].map((t) => expectedPurchases(params, c, t));
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const at = (s: number) => expectedPurchases({ ...params, s }, c, 52);
    expect(at(1)).toBeCloseTo((at(1 - 1e-7) + at(1 + 1e-7)) / 2, 9);
  });
});

describe("the Pareto/NBD likelihood where 2F1 is hard", () => {
  test("equals mpmath's where z nears 1, frequencies are large, alpha ≈ beta, or dropout is nearly absent", () => {
    // [r, α, s, β, x, t_x, T, log-likelihood]: Fader and Hardie's (2005) eq. 18-20 evaluated with mpmath 1.3.0 at 40
    // digits (mpmath.hyp2f1, lifetimes' branch), independent of this code's series and continued fraction.
    const cases = [
      [0.55, 10.58, 0.61, 11.67, 0, 0, 30, -0.4818436218987444],
      [0.55, 10.58, 0.61, 11.67, 500, 1, 37, 1376.513142840905],
      [0.55, 10.58, 0.61, 11.67, 3, 29.9, 30, -11.84759668618633],
      [0.55, 10.58, 0.61, 11.67, 1, 300, 300, -10.198793696353425],
      [0.5, 0.5, 0.5, 500, 0, 0, 30, -2.032916882717978],
      [0.5, 0.5, 0.5, 500, 500, 1, 37, 2391.649775487721],
      [0.5, 500, 0.2, 0.5, 2, 0, 1, -12.721293805027297],
      [2, 0.01, 0.05, 3, 2, 0, 1, 1.2024029143396011],
      [0.3, 1, 0.001, 10000.0, 0, 0, 30, -1.0301951337388227],
      [10.465, 0.00798565181, 3.0516, 2.82, 500, 1, 37, 2594.4044546227565],
      [1, 1000.0, 1, 0.01, 0, 0, 30, -7.948490967749505e-5],
      [0.8, 44, 1e-6, 80000.0, 2, 0, 1, -7.266660150633977],
      [0.8, 44, 1e-6, 80000.0, 7, 0.01, 365, -35.90408889051474],
      [1, 5, 1, 5.0000001, 5, 1, 300, -6.481858875161278],
      // A dropout rate almost the same for everyone (s 1e4, s/β 1/60 a week; mpmath at 50 digits): s log β and
      // −s log(β + T) are each about 1.3e5 here, and taken apart they left about 1e-11 of the result.
      [1.549, 7.229, 1e4, 6e5, 0, 0, 76.875, -2.0107307639595517],
      [1.549, 7.229, 1e4, 6e5, 7, 44.375, 49.5, -22.38635695091167],
      [1.549, 7.229, 1e4, 6e5, 50, 70.25, 76.875, -74.87464292595787],
      [0.6, 40, 1e4, 2.5e6, 3, 200, 365, -18.60619865008429],
    ] as const;
    for (const [r, alpha, s, beta, frequency, recency, T, expected] of cases) {
      const value = paretoNbdLogLikelihood({ r, alpha, s, beta }, { frequency, recency, T });
      expect(Math.abs(value - expected), JSON.stringify({ r, alpha, s, beta, frequency, recency, T })).toBeLessThan(1e-11 * Math.max(1, Math.abs(expected)));
    }
  });

  test("the fit's objective (a 2F1 once per frequency, quadrature between) equals the sum of the customers' (a 2F1 each)", () => {
    const objective = paretoNbdObjective(customers);
    for (const [r, alpha, s, beta] of [
      [0.55, 10.58, 0.61, 11.67],
      [1, 3, 2, 50],
      [2, 50, 0.3, 1],
      [0.5, 0.5, 0.01, 2000],
      [0.3, 200, 3, 0.05],
      [1.5, 7.2, 1e4, 6e5],
      [0.8, 40, 1e-6, 1e9],
      [1e4, 2e5, 0.7, 120],
      [10.465, 0.00798565181, 3.0516, 2.82],
    ] as const) {
      const sum = customers.reduce((total, c) => total + paretoNbdLogLikelihood({ r, alpha, s, beta }, c), 0);
      const grouped = objective([r, alpha, s, beta], [0, 0, 0, 0]) * customers.length;
      expect(Math.abs(grouped / sum - 1), `${[r, alpha, s, beta]}`).toBeLessThan(1e-12);
    }
  });

  test("its analytic gradient equals central differences, on both branches (alpha < beta, alpha > beta) and near z = 1", () => {
    const objective = paretoNbdObjective(customers);
    for (const params of [
      [0.55, 10.58, 0.61, 11.67],
      [1, 3, 2, 50],
      [2, 50, 0.3, 1],
      [0.5, 0.5, 0.01, 2000],
      [0.3, 200, 3, 0.05],
      [0.5, 10, 0.5, 10],
      [1.5, 7.2, 1e4, 6e5],
      [0.8, 40, 1e-6, 1e9],
      [1e4, 2e5, 0.7, 120],
    ]) {
      const gradient = [0, 0, 0, 0];
      objective(params, gradient);
      // Over log-parameters, where the optimiser works: θ ∂ℓ/∂θ against (ℓ(θ e^h) − ℓ(θ e^−h)) / 2h.
      const h = 1e-5;
      params.forEach((value, j) => {
        const at = (factor: number) => objective(params.map((v, k) => (k === j ? value * factor : v)), [0, 0, 0, 0]);
        const numeric = (at(Math.exp(h)) - at(Math.exp(-h))) / (2 * h);
        expect(Math.abs(value * gradient[j]! - numeric), `${params} ∂/∂${["r", "α", "s", "β"][j]}`).toBeLessThan(1e-7 * (1 + Math.abs(numeric)));
      });
    }
  });
});

describe("Pareto/NBD on data it cannot or can barely fit", () => {
  test("too few customers, or no one bought again: a FitError, never NaN", () => {
    expect(() => fitParetoNbd(customers.slice(0, 5))).toThrow(FitError);
    expect(() => fitParetoNbd(Array.from({ length: 50 }, () => ({ frequency: 0, recency: 0, T: 10 })))).toThrow(/only 0 did/);
    expect(() => fitParetoNbd([{ frequency: 1, recency: 12, T: 10 }])).toThrow(/recency ≤ T/);
  });

  test("parameters that would run off to infinity stop at their bounds, finite: clockwork customers fit no dropout", () => {
    // Clockwork customers, each buying exactly every 2, 3, 4 or 5 weeks for the whole period: no dropout and less
    // spread than Poisson purchases. The likelihood keeps rising towards no dropout (s/beta → 0; before the bounds the
    // optimiser got there with s falling to 0 and beta past 1e8 and the fit gave FitError did_not_converge); the mean
    // dropout rate now stops at its floor, 1e-6 per mean customer age.
    const clockwork: RepeatSummary[] = [];
    for (let T = 10; T <= 52; T++) {
      for (const every of [2, 3, 4, 5]) {
        const x = Math.floor(T / every);
        clockwork.push({ frequency: x, recency: x * every, T });
      }
    }
    const { params } = fitParetoNbd(clockwork);
    expect(Object.values(params).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    const meanT = clockwork.reduce((total, c) => total + c.T, 0) / clockwork.length;
    expect(params.s / params.beta / (PARETO_NBD_DROPOUT_FLOOR / meanT)).toBeCloseTo(1, 6);
    expect(params.r).toBeLessThanOrEqual(PARETO_NBD_SHAPE_CAP);
    expect(params.s).toBeLessThanOrEqual(PARETO_NBD_SHAPE_CAP);
    expect(probabilityAlive(params, { frequency: 10, recency: 50, T: 52 })).toBeGreaterThan(0.999);
  });
  // A realistic shop without dropout (Poisson purchases, no one leaving) is fitted, to s/beta ≈ 0, in churn-models.test.ts.
});
