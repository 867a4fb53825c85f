import hyp2f1 from "@stdlib/math-base-special-hyp2f1";
import { describe, expect, test } from "vitest";
import { logHyp2f1AtMinus, logPositiveSeries } from "./beta-geometric";

/**
 * log 2F1(a, b; c; −s) against values from outside this code: the series
 * summed term by term in 60-digit arithmetic (Python mpmath 1.3), checked
 * against scipy.integrate.quad of E[(1 + p·s)^−a] over p ~ Beta(b, c − b)
 * (which needs no 2F1) to its own 1e-10. scipy.special.hyp2f1 (1.17, Cephes,
 * as stdlib's) returns inf for the Euler-form 2F1 of the first case and for
 * the plain form of the large ones; mpmath's own hyp2f1 returned 6·10^2246
 * for a value below 1 there, hence the plain series.
 */
const cases: [a: number, b: number, c: number, s: number, log: number][] = [
  // An MBG/NBD fit to 100 CDNOW customers (a ≈ 3·10^4, b ≈ 3.6·10^5), x = 0, T = 38.71, t = 4.
  [0.3423871271060003, 30282.128843606875, 390603.4358002148, 4 / (6.506231587651111 + 38.71), -0.0023401749027736961],
  // Both parameters large: one Pfaff form's 2F1 overflows, the other's is 4·10^45 (taken from stdlib's hyp2f1).
  [1000.4, 2045.1, 2445.2, 1.2, -683.69840722444255],
  [5000.5, 30282.1, 30682.2, 9, -11450.212741458462],
  // ... and where both forms' 2F1 pass 10^280 (Infinity, or 1.1·10^304): the series in log space.
  [1000.4, 30282.1, 391603.4, 1.2, -88.663491109629481],
  [5000.5, 30282.1, 391603.4, 9, -2578.1631885158645],
  // c below a: Cephes (stdlib's and scipy's hyp2f1) gives 2F1(335.6, 3.42; 212.35; 0.8955) = e^323.8, the truth e^102.17
  // (mpmath.hyp2f1, and scipy.integrate.quad of the Beta integral: −655.9086884207394).
  [335.6285729074145, 208.92878475891106, 212.35068410314065, 8.570356413157892, -655.9086884207393],
  // Ordinary values, and a negative b (MBG/NBD's a − 1 for a < 1) at a long horizon.
  [2.3, 3.1, 8.4, 0.3, -0.23474701022136455],
  [0.5, -0.7, 5.8, 150, 1.7216544919404361],
];

describe("logHyp2f1AtMinus", () => {
  test.each(cases)("2F1(%d, %d; %d; −%d) matches 60-digit references to 1e-12", (a, b, c, s, log) => {
    const value = logHyp2f1AtMinus(a, b, c, s);
    expect(Math.abs(value - log)).toBeLessThan(1e-12 * Math.max(1, Math.abs(log)));
    // Symmetric in a and b, as 2F1 is.
    expect(Math.abs(logHyp2f1AtMinus(b, a, c, s) - value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(log)));
  });

  test("the forms it replaces overflow on the large cases (so they test the log-space path)", () => {
    const [a, b, c, s] = cases[0]!;
    const z = s / (1 + s);
    expect(hyp2f1(c - a, b, c, z)).toBe(Infinity);
    for (const [a2, b2, c2, s2] of [cases[3]!, cases[4]!]) {
      const z2 = s2 / (1 + s2);
      expect(hyp2f1(a2, c2 - b2, c2, z2)).toBeGreaterThan(1e280);
      expect(hyp2f1(b2, c2 - a2, c2, z2)).toBe(Infinity);
    }
  });

  test("is 0 at s = 0 and the positive series sums 2F1(1, 1; 2; z) = −log(1 − z) / z", () => {
    expect(logHyp2f1AtMinus(3, 4, 9, 0)).toBe(0);
    expect(Math.exp(logPositiveSeries(1, 1, 2, 0.9))).toBeCloseTo(-Math.log(0.1) / 0.9, 13);
  });
});
