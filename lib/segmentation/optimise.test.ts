import { describe, expect, test } from "vitest";
import { maximise, maximiseWithGradient } from "./optimise";

/** Rosenbrock's valley, negated: its maximum 0 is at (1, 1), at the end of a long curved ridge. */
function valley([x, y]: number[], slope: number[]): number {
  slope[0] = 2 * (1 - x!) + 400 * x! * (y! - x! * x!);
  slope[1] = -200 * (y! - x! * x!);
  return -((1 - x!) ** 2) - 100 * (y! - x! * x!) ** 2;
}

describe("maximise", () => {
  test("finds the top of Rosenbrock's valley from (−1.2, 1)", () => {
    const { x, fx, evaluations } = maximise(valley, [-1.2, 1]);
    expect(x[0]).toBeCloseTo(1, 6);
    expect(x[1]).toBeCloseTo(1, 6);
    expect(fx).toBeLessThan(1e-12);
    // Unlimited, the conjugate gradients follow the valley for about 200 evaluations.
    expect(evaluations).toBeGreaterThan(100);
  });

  test("with maxEvaluations, stops the conjugate gradients there and polishes the best point seen", () => {
    const start = [-1.2, 1];
    const atStart = -valley(start, [0, 0]);
    const { fx, evaluations } = maximise(valley, start, { maxEvaluations: 10 });
    // The polish: one evaluation at the best point, then at most 6 steps of 2 × 2 differences and up to 10 halvings.
    expect(evaluations).toBeGreaterThan(10);
    expect(evaluations).toBeLessThanOrEqual(10 + 1 + 6 * (4 + 10));
    expect(fx).toBeLessThan(atStart);
  });

  test("maximiseWithGradient is maximise over the logs of the parameters", () => {
    // A Gamma(a, b) log-likelihood of three observations, the parameters positive.
    const data = [0.5, 1.5, 4];
    const logLikelihood = ([a, b]: number[], gradient: number[]) => {
      const n = data.length;
      const sum = data.reduce((t, v) => t + v, 0);
      const logSum = data.reduce((t, v) => t + Math.log(v), 0);
      // Stirling's log Γ(a) is not needed: compare the two searches, not the optimum's value.
      gradient[0] = n * Math.log(b!) + logSum - n * digammaApprox(a!);
      gradient[1] = (n * a!) / b! - sum;
      return (n * a! * Math.log(b!) + (a! - 1) * logSum - b! * sum - n * logGammaApprox(a!)) / n;
    };
    const overParams = maximiseWithGradient(logLikelihood, [1, 1]);
    const gradient = [0, 0];
    const overLogs = maximise(
      (u, slope) => {
        const params = u.map(Math.exp);
        const value = logLikelihood(params, gradient);
        for (let j = 0; j < 2; j++) slope[j] = params[j]! * gradient[j]!;
        return value;
      },
      [0, 0],
    );
    expect(overParams).toEqual(overLogs);
  });
});

/** log Γ and digamma for a > 0 by recurrence up to 10 and Stirling's series: enough for a test's smooth function. */
function logGammaApprox(a: number): number {
  let shift = 0;
  while (a < 10) shift -= Math.log(a++);
  return shift + (a - 0.5) * Math.log(a) - a + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * a) - 1 / (360 * a ** 3);
}
function digammaApprox(a: number): number {
  let shift = 0;
  while (a < 10) shift -= 1 / a++;
  return shift + Math.log(a) - 1 / (2 * a) - 1 / (12 * a * a) + 1 / (120 * a ** 4);
}
