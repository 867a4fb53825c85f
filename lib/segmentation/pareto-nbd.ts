/* eslint-disable max-lines -- the Pareto/NBD likelihood needs its own Gauss hypergeometric function (series, connection formula, continued fraction) with analytic derivatives; the fit, predictions and survival belong with it. */
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import { checkSummaries, FitError, type Fit, type RepeatSummary } from "./clv";
import { distinctValues, maximise, weighted } from "./optimise";

/**
 * The Pareto/NBD model of repeat buying (Schmittlein, Morrison and Colombo,
 * 1987, "Counting your customers: who are they and what will they do next?",
 * Management Science 33(1)), fitted by maximum likelihood with the
 * conventions of Python lifetimes' ParetoNBDFitter, so the parameters agree
 * with it. The likelihood is Fader and Hardie's (2005, "A note on deriving
 * the Pareto/NBD model and related expressions", eq. 18-20,
 * brucehardie.com/notes/009):
 * - per customer: purchases at rate λ ~ Gamma(r, α) while alive; lifetime
 *   exponential with rate μ ~ Gamma(s, β), dropout at any time (not tied to
 *   purchases as in BG/NBD);
 * - x, t_x, T as in clv.ts (repeat purchase days, days or weeks);
 * - L = Γ(r + x) α^r β^s / Γ(r) · [(α + T)^−(r + x) (β + T)^−s + s · ∫_{t_x}^T (α + τ)^−(r + x) (β + τ)^−(s + 1) dτ];
 *   the integral is lifetimes' A_0 term, a difference of two Gauss
 *   hypergeometric functions 2F1(r + s + x, ·; r + s + x + 1; z) with the
 *   same choice of branch (α < β or not) that keeps z in [0, 1);
 * - the mean log-likelihood is maximised with its analytic gradient
 *   (optimise.ts), identical customers grouped, over coordinates that keep
 *   the search finite (fitParetoNbd): the mean rates r/α and s/β apart from
 *   the shapes r and s, each shape capped at 1e4 and s/β floored at 1e-6 per
 *   mean customer age, by folds that make each bound a stationary point.
 *   Where the customers' dropout rates hardly differ, the Gamma of μ
 *   degenerates to a point mass and the likelihood rises forever as s and β
 *   grow with s/β fixed; the search used to follow it for minutes;
 * - the tail integral depends on (x, u) alone, u = t_x or T: per distinct x
 *   one 2F1 at the largest u, and from there down the integral between
 *   neighbouring u's by Gauss-Legendre (fillTails); with a 2F1 per pair an
 *   evaluation took 60 to 280 ms on the shop below, more as β/α grew (z → 1);
 * - the terms are kept with α^r β^s folded in (logTail), so that s log β, tens
 *   of thousands there, does not cancel against −s log(β + T) and leave
 *   1e-11 noise that failed the optimiser's line searches.
 * Measured (Node 20 on a 2-core machine, 3 fits in each of 2 processes, the
 * first with JIT warm-up; before → after this scheme):
 * - a synthetic shop whose 46,863 customers (weeks) all drop out at about one
 *   rate: 411-437 s, ending at s 8,306-28,777 with s/β 0.0166 →
 *   1.1-1.8 s (125 evaluations of about 8 ms, 120-290 ms to group), ending at
 *   the cap: r 1.5489, α 7.2250, s 10,000, β 602,318 (s/β 0.0166025); its
 *   P(alive) within 3e-5 of the limit s → ∞ (s/β fixed), the log-likelihood
 *   0.08 below it;
 * - CDNOW (2,357 customers): 0.05-0.11 s → 0.05-0.12 s (94 evaluations),
 *   r 0.5533, α 10.5776, s 0.6062, β 11.6679 either way (to 1e-9);
 * - 200,000 simulated customers by day (those of churn-models.test.ts'
 *   header): 1.7-1.9 s → 0.9-1.1 s; without dropout 4.3-6.7 s → 1.2-1.7 s.
 * Plain data in, plain data out: no framework, no I/O.
 */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * log G(u) and its partial derivatives over (r, α, s, β), written into
 * `out` as [log G, ∂/∂r, ∂/∂α, ∂/∂s, ∂/∂β], where G(u) = α^r β^s F(u) and
 * F(u) = ∫_u^∞ (α + τ)^−p (β + τ)^−q dτ, p = r + x, q = s + 1: the tail
 * integral of the likelihood with the factor α^r β^s it is multiplied by
 * folded in. Its powers are then (α + u)^−x (1 + u/α)^−r (1 + u/β)^−s …, by
 * log1p: taken apart, s log β and −q log(β + u) are each about s log β, tens
 * of thousands when s runs to thousands (homogeneous dropout), and their
 * difference would keep only about 1e-11 of its digits, enough noise for the
 * optimiser's line searches to fail.
 * With m = min(α, β), M = max(α, β), e the exponent on the (m + τ) factor and
 * e' the other (lifetimes' branch: e = p when α < β, else q), and
 * a = p + q − 1 = r + s + x, z = (M − m) / (M + u) ∈ [0, 1):
 * F(u) = (M + u)^−a / a · 2F1(a, e; a + 1; z)
 *      = (M + u)^−e' (m + u)^(1 − e) / a · 2F1(1, e'; a + 1; z)   (Euler's transformation).
 * The last 2F1 has positive terms that shrink by at least z each, so it
 * neither overflows (the first form does for frequent buyers: lifetimes'
 * test_overflow_error) nor cancels. It is summed as a series where that is
 * short. As z nears 1 (one of α, β far larger than the other plus u: with
 * almost no dropout, β runs to thousands of times α) the series needs up to
 * about 37 / (1 − z) terms, so there it is taken in 1 − z instead
 * (hypergeometricConnection), or, where that formula cancels, as Gauss's
 * continued fraction, about 10 / √(1 − z) steps.
 */
function logTail(r: number, x: number, alpha: number, s: number, beta: number, u: number, out: Float64Array): void {
  const p = r + x;
  const q = s + 1;
  const alphaSmaller = alpha < beta;
  const m = alphaSmaller ? alpha : beta;
  const big = alphaSmaller ? beta : alpha;
  const e2 = alphaSmaller ? q : p;
  const a = p + q - 1;
  const mu = m + u;
  const bigU = big + u;
  const z = (big - m) / bigU;
  // [log S, ∂ log S/∂e', ∂ log S/∂a, ∂ log S/∂z] for S = 2F1(1, e'; a + 1; z), e' and a taken apart.
  const oneMinusZ = mu / bigU;
  // a + 1 − e' = e, the exponent on (m + τ).
  const hyp = seriesIsShorter(a + 1 - e2, a, z, oneMinusZ)
    ? hypergeometricSeries(e2, a, z, oneMinusZ)
    : connectionIsSafe(e2, a, oneMinusZ)
      ? hypergeometricConnection(e2, a, z, oneMinusZ)
      : hypergeometricFraction(e2, a, z, oneMinusZ);
  const logAlphaU = Math.log(alpha + u);
  const growthA = Math.log1p(u / alpha);
  const growthB = Math.log1p(u / beta);
  // (M + u)^−e' (m + u)^(1 − e) α^r β^s = (α + u)^−x (1 + u/α)^−r (1 + u/β)^−s, times (1 − z) when α < β.
  out[0] = -r * growthA - s * growthB - x * logAlphaU + (alphaSmaller ? Math.log(oneMinusZ) : 0) - Math.log(a) + hyp[0]!;
  // Over the exponents (a = e + e' − 1 moves with both): r moves p, s moves q; α^r β^s adds log α and log β to
  // −log(α + u) and −log(β + u), leaving −log(1 + u/α) and −log(1 + u/β).
  const overE = -1 / a + hyp[2]!;
  const overE2 = overE + hyp[1]!;
  out[1] = -growthA + (alphaSmaller ? overE : overE2);
  out[3] = -growthB + (alphaSmaller ? overE2 : overE);
  // Over α and β: θ/κ from α^r β^s with the power's −exponent/(κ + u), as (θu − (exponent − θ) κ) / (κ (κ + u)),
  // and log S through z (∂z/∂M = (m + u) / (M + u)², ∂z/∂m = −1 / (M + u)).
  const dzBig = (hyp[3]! * mu) / (bigU * bigU);
  const dzSmall = -hyp[3]! / bigU;
  out[2] = powerSlope(r, alphaSmaller ? x - 1 : x, alpha, u) + (alphaSmaller ? dzSmall : dzBig);
  out[4] = powerSlope(s, alphaSmaller ? 1 : 0, beta, u) + (alphaSmaller ? dzBig : dzSmall);
}

/** ∂/∂κ of log[κ^θ (κ + u)^−(θ + extra)], θ/κ − (θ + extra)/(κ + u), without the difference of the two. */
function powerSlope(theta: number, extra: number, kappa: number, u: number): number {
  return (theta * u - extra * kappa) / (kappa * (kappa + u));
}

/**
 * log Γ(z + h) − log Γ(z) (z > 0, h ≥ 0). For z ≥ 50 by Stirling's series,
 * (z − ½) log(1 + h/z) + h log(z + h) − h plus the difference of its 1/z terms
 * (the next one is below 5e-19 there), rather than as the difference of two
 * log-gammas: at r or s near their cap (1e4) each is about 8e4 and the
 * difference would keep only about 1e-11 of its digits.
 */
function logGammaRatio(z: number, h: number): number {
  if (h === 0) return 0;
  if (z < 50) return gammaln(z + h) - gammaln(z);
  const w = z + h;
  const series = (v: number) => {
    const v2 = v * v;
    return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * v2)) / v2) / v2) / v;
  };
  return (z - 0.5) * Math.log1p(h / z) + h * Math.log(w) - h + (series(w) - series(z));
}

/**
 * Whether the series of 2F1(1, e'; a + 1; z) ends sooner than its continued
 * fraction: its terms g_n are below z^n ((a + 1) / (a + 1 + n))^e (their
 * ratios z (1 − e / (a + 1 + k)) are), which the series needs under about
 * 1e-17 (1 − z)²; the fraction takes about 10 / √(1 − z) steps of thrice
 * the work.
 */
function seriesIsShorter(e: number, a: number, z: number, oneMinusZ: number): boolean {
  if (z <= 0.5) return true;
  const budget = 30 / Math.sqrt(oneMinusZ);
  const target = Math.log(1e-17) + 2 * Math.log(oneMinusZ);
  return budget * Math.log(z) - e * Math.log1p(budget / (a + 1)) < target;
}

/**
 * S = 2F1(1, e'; a + 1; z) = Σ g_n, g_0 = 1, g_n = z^n Π_{k<n} (e' + k) / (a + 1 + k), with
 * ∂S/∂e' = Σ g_n A_n and ∂S/∂a = −Σ g_n B_n (A_n, B_n: the sums of 1/(e' + k) and 1/(a + 1 + k) over k < n)
 * and ∂S/∂z = Σ n g_n / z, in one pass; returns [log S and its three derivatives].
 */
function hypergeometricSeries(e2: number, a: number, z: number, oneMinusZ: number): [number, number, number, number] {
  let sum = 1;
  let sumA = 0;
  let sumB = 0;
  let dz = 0;
  let harmonicA = 0;
  let harmonicB = 0;
  // c = g_n / z, so z = 0 needs no special case.
  let c = 1;
  for (let n = 1; n < 1_000_000; n++) {
    harmonicA += 1 / (e2 + n - 1);
    harmonicB += 1 / (a + n);
    c *= ((e2 + n - 1) / (a + n)) * (n > 1 ? z : 1);
    const g = c * z;
    sum += g;
    sumA += g * harmonicA;
    sumB += g * harmonicB;
    dz += n * c;
    // The terms after this one shrink by at least z each, so the rest of S is below g / (1 − z), of ∂S/∂z below
    // c (n + 1 / (1 − z)) / (1 − z), and of the other two below g (A + B + 1 / (1 − z)) / (1 − z).
    if (g <= 1e-16 * oneMinusZ * sum && c * (n + 1 / oneMinusZ) <= 1e-13 * oneMinusZ * dz && g * (harmonicA + harmonicB + 1 / oneMinusZ) <= 1e-13 * oneMinusZ * sum) {
      return [Math.log(sum), sumA / sum, -sumB / sum, dz / sum];
    }
  }
  return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
}

/**
 * Whether hypergeometricConnection is accurate: 1 − z small, its series in
 * 1 − z short (e' (1 − z) small), and δ = a − e' (> −1) at least 0.1 from
 * 0, 1, 2, … (its two terms have poles there that cancel, so near one they
 * lose about 1 / distance of their digits).
 */
function connectionIsSafe(e2: number, a: number, oneMinusZ: number): boolean {
  const delta = a - e2;
  return oneMinusZ <= 0.2 && e2 * oneMinusZ <= 0.5 && Math.abs(delta - Math.max(0, Math.round(delta))) >= 0.1;
}

/**
 * The same as hypergeometricSeries by the connection formula from z to
 * 1 − z (Abramowitz and Stegun 15.3.6), which with a = 1 and c = a + 1 leaves
 * one series and a closed form: with δ = a − e' and ε = 1 − z,
 * 2F1(1, e'; a + 1; z) = (a / δ) · 2F1(1, e'; 1 − δ; ε) + Γ(a + 1) Γ(−δ) / Γ(e') · ε^δ z^−a,
 * where 2F1(1, e'; 1 − δ; ε) = Σ_n (e')_n / (1 − δ)_n ε^n; derivatives in the same pass (digamma for the closed form).
 */
function hypergeometricConnection(e2: number, a: number, z: number, oneMinusZ: number): [number, number, number, number] {
  const delta = a - e2;
  // The series G and its derivatives over e' (at fixed δ), over δ, and over ε.
  let g = 1;
  let sum = 1;
  let sumE = 0;
  let sumDelta = 0;
  let sumEps = 0;
  let harmonicE = 0;
  let harmonicDelta = 0;
  for (let n = 1; n < 10_000; n++) {
    harmonicE += 1 / (e2 + n - 1);
    harmonicDelta += 1 / (1 - delta + n - 1);
    g *= ((e2 + n - 1) / (1 - delta + n - 1)) * oneMinusZ;
    sum += g;
    sumE += g * harmonicE;
    sumDelta += g * harmonicDelta;
    sumEps += (n * g) / oneMinusZ;
    // Past n > δ the ratios are below (e' + n) ε / (n − δ) < 0.6: the rest is below 1.5 |g|.
    if (n > delta + 2 && Math.abs(g) * (n + 1 + Math.abs(harmonicE) + Math.abs(harmonicDelta)) <= 1e-17 * Math.abs(sum)) break;
  }
  // The first term, (a / δ) G, and its derivatives over e', a and z (δ = a − e': ∂δ/∂a = 1, ∂δ/∂e' = −1).
  const first = (a / delta) * sum;
  const firstE = (a / (delta * delta)) * sum + (a / delta) * (sumE - sumDelta);
  const firstA = sum / delta - (a / (delta * delta)) * sum + (a / delta) * sumDelta;
  const firstZ = -(a / delta) * sumEps;
  // The closed form H = Γ(a + 1) Γ(−δ) / Γ(e') ε^δ z^−a, by its logarithm and the sign of Γ(−δ) (negative on (−1, 0),
  // (−3, −2), …, that is for δ in (0, 1), (2, 3), …).
  const sign = delta > 0 && Math.floor(delta) % 2 === 0 ? -1 : 1;
  const logEps = Math.log(oneMinusZ);
  const logZ = Math.log(z);
  const closed = sign * Math.exp(logGammaRatio(e2, delta + 1) + gammaln(-delta) + delta * logEps - a * logZ);
  const psiDelta = digamma(-delta);
  const closedE = closed * (psiDelta - digamma(e2) - logEps);
  const closedA = closed * (digamma(a + 1) - psiDelta + logEps - logZ);
  const closedZ = closed * (-delta / oneMinusZ - a / z);
  const value = first + closed;
  return [Math.log(value), (firstE + closedE) / value, (firstA + closedA) / value, (firstZ + closedZ) / value];
}

/**
 * The same as hypergeometricSeries by Gauss's continued fraction
 * (with b = 0 in 2F1(a + 1, b; c + 1; z) / 2F1(a, b; c; z)):
 * 2F1(1, e'; a + 1; z) = 1 / (1 − k_1 z / (1 − k_2 z / (1 − …))),
 * k_{2n+1} = (a + n)(e' + n) / ((a + 2n)(a + 2n + 1)), k_{2n} = n (a − e' + n) / ((a + 2n − 1)(a + 2n)),
 * all positive (a − e' = e − 1 > −1) and tending to 1/4, so the rest of the
 * fraction tends to τ = (√(1 − z) − 1) / 2. Evaluated top down by Wallis'
 * recurrences for numerators and denominators, with their derivatives
 * (forward mode), and read with the rest taken as τ (the modified
 * approximant, which converges far faster) every 8 steps until the reading
 * stops moving.
 */
function hypergeometricFraction(e2: number, a: number, z: number, oneMinusZ: number): [number, number, number, number] {
  const root = Math.sqrt(oneMinusZ);
  const tau = (root - 1) / 2;
  const tauZ = -1 / (4 * root);
  // Numerators and denominators of the last two levels, and their derivatives over e', a and z.
  // Level 1 is 1 / 1, level 0 is 0 / 1.
  let [num, numPrev, den, denPrev] = [1, 0, 1, 1];
  let [numE, numPrevE, denE, denPrevE] = [0, 0, 0, 0];
  let [numA, numPrevA, denA, denPrevA] = [0, 0, 0, 0];
  let [numZ, numPrevZ, denZ, denPrevZ] = [0, 0, 0, 0];
  let previous: [number, number, number, number] | null = null;
  for (let k = 1; k < 4_000_000; k++) {
    let coefficient: number;
    let kE: number;
    let kA: number;
    if (k % 2 === 1) {
      const n = (k - 1) / 2;
      const d1 = a + 2 * n;
      const d2 = d1 + 1;
      coefficient = ((a + n) * (e2 + n)) / (d1 * d2);
      kE = (a + n) / (d1 * d2);
      kA = (e2 + n) / (d1 * d2) - coefficient * (1 / d1 + 1 / d2);
    } else {
      const n = k / 2;
      const d1 = a + 2 * n - 1;
      const d2 = d1 + 1;
      coefficient = (n * (a - e2 + n)) / (d1 * d2);
      kE = -n / (d1 * d2);
      kA = n / (d1 * d2) - coefficient * (1 / d1 + 1 / d2);
    }
    // Level k + 1 has partial numerator d = −k_k z: X_{k+1} = X_k + d X_{k−1}, and so for the derivatives.
    const d = -coefficient * z;
    const dE = -kE * z;
    const dA = -kA * z;
    // The derivatives first: they need X_{k−1} before it moves.
    let next = numE + d * numPrevE + dE * numPrev;
    numPrevE = numE;
    numE = next;
    next = denE + d * denPrevE + dE * denPrev;
    denPrevE = denE;
    denE = next;
    next = numA + d * numPrevA + dA * numPrev;
    numPrevA = numA;
    numA = next;
    next = denA + d * denPrevA + dA * denPrev;
    denPrevA = denA;
    denA = next;
    next = numZ + d * numPrevZ - coefficient * numPrev;
    numPrevZ = numZ;
    numZ = next;
    next = denZ + d * denPrevZ - coefficient * denPrev;
    denPrevZ = denZ;
    denZ = next;
    next = num + d * numPrev;
    numPrev = num;
    num = next;
    next = den + d * denPrev;
    denPrev = den;
    den = next;
    if (k % 8 !== 0) continue;
    // The modified approximant (X_{k+1} + τ X_k) for numerator and denominator; log S and its derivatives.
    const top = num + tau * numPrev;
    const bottom = den + tau * denPrev;
    const reading: [number, number, number, number] = [
      Math.log(top / bottom),
      (numE + tau * numPrevE) / top - (denE + tau * denPrevE) / bottom,
      (numA + tau * numPrevA) / top - (denA + tau * denPrevA) / bottom,
      (numZ + tau * numPrevZ + tauZ * numPrev) / top - (denZ + tau * denPrevZ + tauZ * denPrev) / bottom,
    ];
    // Stop when log S moves less than 1e-14 in 8 steps and its derivatives 1e-11 (their rounding noise grows with the
    // depth): the fraction converges at about 1 − 2√(1 − z) a step, so what is left is below the move / (16 √(1 − z)).
    if (previous && reading.every((v, i) => Math.abs(v - previous![i]!) <= (i === 0 ? 1e-14 : 1e-11) * Math.max(1, Math.abs(v)))) return reading;
    previous = reading;
    // Rescale all by the denominator so nothing overflows (the ratios, hence S and its derivatives, are unchanged).
    const scale = 1 / Math.abs(den);
    num *= scale;
    numPrev *= scale;
    den *= scale;
    denPrev *= scale;
    numE *= scale;
    numPrevE *= scale;
    denE *= scale;
    denPrevE *= scale;
    numA *= scale;
    numPrevA *= scale;
    denA *= scale;
    denPrevA *= scale;
    numZ *= scale;
    numPrevZ *= scale;
    denZ *= scale;
    denPrevZ *= scale;
  }
  return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
}

const tailScratch = new Float64Array(5);

/** log G(u) alone (logTail, its derivatives unused). */
function logTailValue(r: number, x: number, alpha: number, s: number, beta: number, u: number): number {
  logTail(r, x, alpha, s, beta, u, tailScratch);
  return tailScratch[0]!;
}

/**
 * Gauss-Legendre rules on [−1, 1] with 4, 6 and 8 nodes, and how hard a panel each integrates: on a panel
 * [a, a + h] of (1 + (τ − a)/L)^−p the n-node rule's relative error stays below 1e-16 while
 * (p + n/2) h / L ≤ 0.116, 0.78 and 2.3 (found against mpmath for p from 0.01 to 1000); the limits below keep
 * a margin, and a panel with two such factors (α and β) adds their two terms.
 */
const GL_NODES = Float64Array.from([
  ...[-0.8611363115940526, -0.33998104358485626, 0.33998104358485626, 0.8611363115940526],
  ...[-0.9324695142031519, -0.6612093864662645, -0.2386191860831969, 0.2386191860831969, 0.6612093864662645, 0.9324695142031519],
  ...[-0.9602898564975362, -0.7966664774136267, -0.525532409916329, -0.18343464249564978, 0.18343464249564978, 0.525532409916329, 0.7966664774136267, 0.9602898564975362],
]);
const GL_WEIGHTS = Float64Array.from([
  ...[0.34785484513745357, 0.6521451548625464, 0.6521451548625464, 0.34785484513745357],
  ...[0.17132449237917027, 0.3607615730481387, 0.46791393457269104, 0.46791393457269104, 0.3607615730481387, 0.17132449237917027],
  ...[0.10122853629037706, 0.22238103445337443, 0.3137066458778869, 0.36268378337836166, 0.36268378337836166, 0.3137066458778869, 0.22238103445337443, 0.10122853629037706],
]);
/** The 4-, 6- and 8-node rules' limits on (p + n/2) h/L (GL_NODES from 0, 4 and 10). */
const GL_LIMIT_4 = 0.1;
const GL_LIMIT_6 = 0.7;
const GL_LIMIT_8 = 2;
/** A gap that would need more panels than this is left to logTail (a series or fraction is then cheaper). */
const MAX_PANELS = 16;

/**
 * log G and its derivatives (logTail's layout) at every (x, u) pair, the pairs in runs of one x each (ending
 * before `runEnds`) with u rising: logTail at each run's largest u, and down the run
 * G(u_j) = G(u_{j+1}) + α^r β^s ∫_{u_j}^{u_{j+1}} (α + τ)^−p (β + τ)^−q dτ, the piece by Gauss-Legendre
 * (gapIntegral). All the terms are positive, so nothing cancels, and the pairs of one x cost one 2F1 and a few
 * panels per gap instead of one 2F1 each, whose series or continued fraction runs long where z nears 1 (10 to
 * 30 times the work). False where a term is not finite.
 */
function fillTails(tails: Float64Array, pairX: readonly number[], pairU: readonly number[], runEnds: readonly number[], r: number, alpha: number, s: number, beta: number): boolean {
  const scratch = tailScratch;
  let start = 0;
  for (const end of runEnds) {
    const x = pairX[start]!;
    logTail(r, x, alpha, s, beta, pairU[end - 1]!, scratch);
    if (!Number.isFinite(scratch[0]!)) return false;
    tails.set(scratch, 5 * (end - 1));
    for (let j = end - 2; j >= start; j--) {
      if (!gapIntegral(r, x, alpha, s, beta, pairU[j]!, pairU[j + 1]!, tails, 5 * (j + 1), 5 * j)) {
        logTail(r, x, alpha, s, beta, pairU[j]!, scratch);
        tails.set(scratch, 5 * j);
      }
      if (!Number.isFinite(tails[5 * j]!)) return false;
    }
    start = end;
  }
  return true;
}

/**
 * log G(lo) and its derivatives into tails[to …], from G(hi)'s at tails[from …] and the integral over [lo, hi]
 * of g(τ) = α^r β^s (α + τ)^−p (β + τ)^−q = g(lo) (1 + (τ − lo)/(α + lo))^−p (1 + (τ − lo)/(β + lo))^−q, with
 * ∂ log g/∂r = −log(1 + τ/α), ∂ log g/∂α = (rτ − xα) / (α (α + τ)) and the same for s and β (x there 1), by
 * Gauss-Legendre on panels as long as the 8-node rule allows (GL_LIMIT_8), each taken with the fewest nodes
 * that integrate it to 1e-16 (a day's gap between weeks' values takes one panel of 4 or 6 nodes). The sums
 * are scaled by the larger of G(hi) and g(lo) / (−d log g/dτ at lo), a lower bound of G(lo) (log g is
 * convex), so nothing overflows; panels where g has fallen below e^−60 of g(lo) are left out. False,
 * writing nothing, when the gap needs more than MAX_PANELS panels.
 */
function gapIntegral(r: number, x: number, alpha: number, s: number, beta: number, lo: number, hi: number, tails: Float64Array, from: number, to: number): boolean {
  const p = r + x;
  const q = s + 1;
  const alphaLo = alpha + lo;
  const betaLo = beta + lo;
  const longest = GL_LIMIT_8;
  // A panel's length is longest / ((p + 4)/(α + a) + (q + 4)/(β + a)), at least half of what either factor
  // alone allows, so α + τ or β + τ grows by at least that share a panel: at most this many reach hi.
  const panels = Math.log1p((hi - lo) / alphaLo) / Math.log1p(longest / (2 * (p + 4))) + Math.log1p((hi - lo) / betaLo) / Math.log1p(longest / (2 * (q + 4))) + 1;
  if (panels > MAX_PANELS) return false;
  const growthA = Math.log1p(lo / alpha);
  const growthB = Math.log1p(lo / beta);
  const logStart = -r * growthA - x * Math.log(alphaLo) - s * growthB - Math.log(betaLo);
  const logG = tails[from]!;
  const ref = Math.max(logG, logStart - Math.log(p / alphaLo + q / betaLo));
  const shift = logStart - ref;
  let v = 0;
  let vr = 0;
  let va = 0;
  let vs = 0;
  let vb = 0;
  let fall = 0;
  for (let a = lo; a < hi && fall > -60; ) {
    const b = Math.min(hi, a + longest / ((p + 4) / (alpha + a) + (q + 4) / (beta + a)));
    const ratioA = (b - a) / (alpha + a);
    const ratioB = (b - a) / (beta + a);
    // The rule: nodes GL_NODES[first … last).
    const [first, last] = (p + 2) * ratioA + (q + 2) * ratioB <= GL_LIMIT_4 ? [0, 4] : (p + 3) * ratioA + (q + 3) * ratioB <= GL_LIMIT_6 ? [4, 10] : [10, 18];
    const centre = (a + b) / 2;
    const half = (b - a) / 2;
    for (let i = first; i < last; i++) {
      const tau = centre + half * GL_NODES[i]!;
      const la = Math.log1p((tau - lo) / alphaLo);
      const lb = Math.log1p((tau - lo) / betaLo);
      fall = -p * la - q * lb;
      const f = half * GL_WEIGHTS[i]! * Math.exp(shift + fall);
      v += f;
      vr -= f * (growthA + la);
      va += (f * (r * tau - x * alpha)) / (alpha * (alpha + tau));
      vs -= f * (growthB + lb);
      vb += (f * (s * tau - beta)) / (beta * (beta + tau));
    }
    a = b;
  }
  const above = Math.exp(logG - ref);
  const total = above + v;
  tails[to] = ref + Math.log(total);
  tails[to + 1] = (above * tails[from + 1]! + vr) / total;
  tails[to + 2] = (above * tails[from + 2]! + va) / total;
  tails[to + 3] = (above * tails[from + 3]! + vs) / total;
  tails[to + 4] = (above * tails[from + 4]! + vb) / total;
  return true;
}

/**
 * The log of the likelihood's bracket times α^r β^s,
 * log[α^r β^s ((α + T)^−(r + x) (β + T)^−s + s (F(t_x) − F(T)))], the first term as
 * (α + T)^−x (1 + T/α)^−r (1 + T/β)^−s (see logTail), and the share of that first term (alive at T): P(alive).
 */
function logBracket(
  { r, alpha, s, beta }: ParetoNbdParams,
  { frequency: x, recency: tx, T }: RepeatSummary,
  logG: (x: number, u: number) => number = (x, u) => logTailValue(r, x, alpha, s, beta, u),
): { value: number; alive: number } {
  const alive = -r * Math.log1p(T / alpha) - x * Math.log(alpha + T) - s * Math.log1p(T / beta);
  const logGtx = logG(x, tx);
  const logGT = tx === T ? logGtx : logG(x, T);
  // s (G(t_x) − G(T)) in logs: G(T) ≤ G(t_x), so −expm1 is in [0, 1].
  const gone = Math.log(s) + logGtx + Math.log(-Math.expm1(logGT - logGtx));
  const hi = Math.max(alive, gone);
  const value = hi + Math.log(Math.exp(alive - hi) + Math.exp(gone - hi));
  return { value, alive: Math.exp(alive - value) };
}

/** Pareto/NBD log-likelihood of one customer (lifetimes' ParetoNBDFitter._conditional_log_likelihood). */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, customer: RepeatSummary): number {
  const x = customer.frequency;
  return logGammaRatio(params.r, x) + logBracket(params, customer).value;
}

/**
 * The caps and the floor of fitParetoNbd's search (see there): r and s at
 * most 1e4 (the purchase and dropout rates vary by at least 1% across
 * customers), and the mean dropout rate s/β at least 1e-6 per mean customer
 * age (one customer in a million leaves in that time).
 */
export const PARETO_NBD_SHAPE_CAP = 1e4;
export const PARETO_NBD_DROPOUT_FLOOR = 1e-6;
/**
 * Evaluations the conjugate gradients may spend, a backstop: the fits tried (CDNOW, the header's shops, simulated
 * ones with one purchase rate, one dropout rate or both, clockwork customers) took 64 to 249 in all; the polish
 * adds at most 1 + 6 × 18. Cut at 40, the polish still ended at the same optimum on the fits tried.
 */
const MAX_EVALUATIONS = 400;

/** A Gamma shape at most `cap` from a free coordinate y: 1/shape = 1/cap + 2 (cosh y − 1), and back (y ≤ 0). */
function foldedShape(y: number, cap: number): number {
  return 1 / (1 / cap + 2 * (Math.cosh(y) - 1));
}
function unfoldedShape(shape: number, cap: number): number {
  return -Math.acosh(1 + (1 / shape - 1 / cap) / 2);
}

/**
 * Fits the Pareto/NBD model by maximum likelihood, over coordinates that
 * keep the search finite where the likelihood's supremum is at infinity:
 * - when customers' dropout (or purchase) rates hardly differ, the Gamma
 *   mixing them degenerates to a point mass: s and β run off together with
 *   s/β fixed (on the header's synthetic shop the total log-likelihood rises
 *   by 0.81 from s = 1,000 to the limit, 0.08 from s = 10,000); with no
 *   dropout, s/β runs to 0 and s with it or β without bound;
 * - so the search is over u = [y_r, log(r/α), y_s, y_μ]: the mean rates r/α
 *   and s/β apart from the shapes, so that no ridge runs diagonally, and each
 *   shape folded, 1/shape = 1/cap + 2 (cosh y − 1) (PARETO_NBD_SHAPE_CAP): a
 *   small shape is about e^−|y| (as with log-parameters), and the cap is at
 *   y = 0, where the likelihood, linear in 1/shape near a point mass, is
 *   quadratic in y: the optimum at the cap is an ordinary stationary point,
 *   reached in a few steps rather than approached forever. The mean dropout
 *   rate is folded at its floor the same way, s/β = floor + 2 (cosh y_μ − 1) /
 *   mean T (PARETO_NBD_DROPOUT_FLOOR);
 * - the conjugate gradients stop after MAX_EVALUATIONS evaluations
 *   (optimise.ts), and the polish ends at a gain below 1e-12 of the mean
 *   log-likelihood (its rounding noise, about 1e-13 over 50,000 customers).
 * A capped fit is the best whose Gammas vary by at least 1% (coefficient of
 * variation 1/√shape); its s/β and its P(alive) are those of the limit to
 * about 1 / cap.
 */
export function fitParetoNbd(customers: readonly RepeatSummary[]): Fit<ParetoNbdParams> {
  checkSummaries(customers);
  if (customers.length < 10) throw new FitError("too_few_customers", `Pareto/NBD needs at least 10 customers; there are ${customers.length}.`);
  const repeaters = customers.filter((c) => c.frequency > 0).length;
  if (repeaters < 5) throw new FitError("too_few_repeat_customers", `Pareto/NBD needs customers who bought again; only ${repeaters} did.`);
  const n = customers.length;
  const meanT = customers.reduce((total, c) => total + c.T, 0) / n;
  const floor = PARETO_NBD_DROPOUT_FLOOR / meanT;
  const cap = PARETO_NBD_SHAPE_CAP;
  const objective = paretoNbdObjective(customers);
  const decode = ([yr, logRate, ys, ym]: number[]) => {
    const r = foldedShape(yr!, cap);
    const rate = Math.exp(logRate!);
    const s = foldedShape(ys!, cap);
    const dropout = floor + (2 * (Math.cosh(ym!) - 1)) / meanT;
    return { r, alpha: r / rate, s, beta: s / dropout, rate, dropout };
  };
  const gradient = [0, 0, 0, 0];
  const overU = (u: number[], slope: number[]) => {
    const { r, alpha, s, beta, rate, dropout } = decode(u);
    const value = objective([r, alpha, s, beta], gradient);
    const [dr, dAlpha, ds, dBeta] = gradient as [number, number, number, number];
    // The chain rule: α = r / rate and β = s / dropout move with the shapes; d shape/dy = −2 shape² sinh y.
    slope[0] = (dr + dAlpha / rate) * -2 * r * r * Math.sinh(u[0]!);
    slope[1] = -dAlpha * alpha;
    slope[2] = (ds + dBeta / dropout) * -2 * s * s * Math.sinh(u[2]!);
    slope[3] = ((-dBeta * beta) / dropout) * ((2 * Math.sinh(u[3]!)) / meanT);
    return value;
  };
  // Start at r = s = 1, both mean rates 1 / mean T (y_μ > 0: the branch where s/β grows with y_μ).
  const start = [unfoldedShape(1, cap), -Math.log(meanT), unfoldedShape(1, cap), Math.acosh(1 + (1 - PARETO_NBD_DROPOUT_FLOOR) / 2)];
  const { x: best, fx, iterations } = maximise(overU, start, { maxEvaluations: MAX_EVALUATIONS, polishTolerance: 1e-12 });
  const { r, alpha, s, beta } = decode(best);
  if (![r, alpha, s, beta].every((v) => Number.isFinite(v) && v > 0)) {
    throw new FitError("did_not_converge", "The Pareto/NBD fit did not converge: the data do not pin down the parameters (too few or too regular repeat purchases).");
  }
  return { params: { r, alpha, s, beta }, logLikelihood: -fx * n, iterations };
}

/**
 * The mean log-likelihood of the customers as a function of [r, α, s, β]
 * that also writes its gradient into `gradient` (what fitParetoNbd
 * maximises; exported so a test can hold the gradient to differences).
 */
export function paretoNbdObjective(customers: readonly RepeatSummary[]): (params: number[], gradient: number[]) => number {
  const groups = weighted(customers, (c) => `${c.frequency}|${c.recency}|${c.T}`);
  const byX = weighted(customers, (c) => String(c.frequency)).map((g) => ({ x: g.row.frequency, weight: g.weight }));
  const n = customers.length;
  const x = Float64Array.from(groups, (g) => g.row.frequency);
  const w = Float64Array.from(groups, (g) => g.weight);
  const byT = distinctValues(groups.map((g) => g.row.T));
  // The tail integrals: once per distinct (x, u) pair, u = t_x or T (a few thousand pairs for 200,000 customers by
  // day), in order of x and then u, so each x's pairs form a run of rising u (fillTails).
  const usByX = new Map<number, number[]>();
  for (const g of groups) {
    let us = usByX.get(g.row.frequency);
    if (!us) usByX.set(g.row.frequency, (us = []));
    us.push(g.row.recency, g.row.T);
  }
  const pairX: number[] = [];
  const pairU: number[] = [];
  const runEnds: number[] = [];
  const indexByX = new Map<number, Map<number, number>>();
  for (const frequency of [...usByX.keys()].sort((a, b) => a - b)) {
    const index = new Map<number, number>();
    for (const u of Float64Array.from(usByX.get(frequency)!).sort()) {
      if (index.has(u)) continue;
      index.set(u, pairX.length);
      pairX.push(frequency);
      pairU.push(u);
    }
    indexByX.set(frequency, index);
    runEnds.push(pairX.length);
  }
  const atTx = Int32Array.from(groups, (g) => indexByX.get(g.row.frequency)!.get(g.row.recency)!);
  const atT = Int32Array.from(groups, (g) => indexByX.get(g.row.frequency)!.get(g.row.T)!);
  // Per pair: log G and its derivatives over (r, α, s, β).
  const tails = new Float64Array(5 * pairX.length);
  // Per distinct T: log(1 + T/α), log(α + T), 1/(α + T), T/(α (α + T)), log(1 + T/β), T/(β (β + T)).
  const byTCount = byT.values.length;
  const growthAT = new Float64Array(byTCount);
  const logAlphaT = new Float64Array(byTCount);
  const invAlphaT = new Float64Array(byTCount);
  const slopeAT = new Float64Array(byTCount);
  const growthBT = new Float64Array(byTCount);
  const slopeBT = new Float64Array(byTCount);
  // The mean log-likelihood and its gradient over (r, α, s, β), in one pass.
  return ([r, alpha, s, beta]: number[], gradient: number[]) => {
    let sum = 0;
    let dr = 0;
    let dAlpha = 0;
    let ds = 0;
    let dBeta = 0;
    const pr = digamma(r!);
    for (const g of byX) {
      sum += g.weight * logGammaRatio(r!, g.x);
      dr += g.weight * (digamma(r! + g.x) - pr);
    }
    if (!fillTails(tails, pairX, pairU, runEnds, r!, alpha!, s!, beta!)) return Number.NaN;
    for (let j = 0; j < byTCount; j++) {
      const T = byT.values[j]!;
      growthAT[j] = Math.log1p(T / alpha!);
      logAlphaT[j] = Math.log(alpha! + T);
      invAlphaT[j] = 1 / (alpha! + T);
      slopeAT[j] = T / (alpha! * (alpha! + T));
      growthBT[j] = Math.log1p(T / beta!);
      slopeBT[j] = T / (beta! * (beta! + T));
    }
    const logS = Math.log(s!);
    for (let i = 0; i < x.length; i++) {
      const wi = w[i]!;
      const xi = x[i]!;
      const t = byT.index[i]!;
      const f1 = 5 * atTx[i]!;
      const f2 = 5 * atT[i]!;
      // log[e^alive + s G(t_x) − s G(T)], scaled by the larger of its first two terms; alive is
      // log[α^r β^s (α + T)^−(r + x) (β + T)^−s].
      const alive = -r! * growthAT[t]! - xi * logAlphaT[t]! - s! * growthBT[t]!;
      const fromTx = logS + tails[f1]!;
      const hi = alive > fromTx ? alive : fromTx;
      const wAlive = Math.exp(alive - hi);
      const w1 = Math.exp(fromTx - hi);
      const w2 = f1 === f2 ? w1 : Math.exp(logS + tails[f2]! - hi);
      const total = wAlive + w1 - w2;
      sum += wi * (hi + Math.log(total));
      const k = wi / total;
      dr += k * (-wAlive * growthAT[t]! + w1 * tails[f1 + 1]! - w2 * tails[f2 + 1]!);
      dAlpha += k * (wAlive * (r! * slopeAT[t]! - xi * invAlphaT[t]!) + w1 * tails[f1 + 2]! - w2 * tails[f2 + 2]!);
      ds += k * (-wAlive * growthBT[t]! + (w1 - w2) / s! + w1 * tails[f1 + 3]! - w2 * tails[f2 + 3]!);
      dBeta += k * (wAlive * s! * slopeBT[t]! + w1 * tails[f1 + 4]! - w2 * tails[f2 + 4]!);
    }
    gradient[0] = dr / n;
    gradient[1] = dAlpha / n;
    gradient[2] = ds / n;
    gradient[3] = dBeta / n;
    return sum / n;
  };
}

/** Probability that a customer is still active at the analysis date (lifetimes' conditional_probability_alive; Fader and Hardie 2005, eq. 36-37). */
export function probabilityAlive(params: ParetoNbdParams, customer: RepeatSummary): number {
  return logBracket(params, customer).alive;
}

/**
 * probabilityAlive of many customers at one fit. The tail integrals G(u) it
 * takes (a Gauss hypergeometric function each) depend on (x, u) alone, u = t_x
 * or T, so each distinct pair is computed once: 140,000 customers of a shop by
 * day have about 80,000 distinct (x, t_x, T) but far fewer pairs.
 */
export function probabilityAliveOf(params: ParetoNbdParams): (customer: RepeatSummary) => number {
  const { r, alpha, s, beta } = params;
  const tails = new Map<number, Map<number, number>>();
  const logG = (x: number, u: number) => {
    let byU = tails.get(x);
    if (!byU) tails.set(x, (byU = new Map()));
    let value = byU.get(u);
    if (value === undefined) {
      value = logTailValue(r, x, alpha, s, beta, u);
      byU.set(u, value);
    }
    return value;
  };
  return (customer) => logBracket(params, customer, logG).alive;
}

/**
 * Expected number of purchases in the next `t` time units, given the
 * customer's history (lifetimes' conditional_expected_number_of_purchases_up_to_time;
 * Fader and Hardie 2005, eq. 41):
 * P(alive) · (r + x) (β + T) / ((α + T) (s − 1)) · [1 − ((β + T) / (β + T + t))^(s − 1)],
 * whose limit at s = 1 is (r + x) (β + T) / (α + T) · log((β + T + t) / (β + T)).
 */
export function expectedPurchases(params: ParetoNbdParams, customer: RepeatSummary, t: number): number {
  return probabilityAlive(params, customer) * expectedPurchasesIfAlive(params, customer, t);
}

/**
 * expectedPurchases without P(alive), a function of (x, T) alone:
 * (r + x) (β + T) / ((α + T) (s − 1)) · [1 − ((β + T) / (β + T + t))^(s − 1)].
 * P(alive) is the costly part (two Gauss hypergeometric functions): customers
 * valued over several horizons compute it once (lifetime-values.ts).
 */
export function expectedPurchasesIfAlive({ r, alpha, s, beta }: ParetoNbdParams, { frequency: x, T }: Pick<RepeatSummary, "frequency" | "T">, t: number): number {
  if (t <= 0) return 0;
  const logRatio = Math.log1p(t / (beta + T));
  // [1 − y^(s − 1)] / (s − 1) with y = (β + T) / (β + T + t): −expm1(−(s − 1) L) / (s − 1), L = log(1 / y).
  const k = s - 1;
  const horizon = k === 0 ? logRatio : -Math.expm1(-k * logRatio) / k;
  return ((r + x) / (alpha + T)) * (beta + T) * horizon;
}

/**
 * Probability that a new customer (who has just made a first purchase) is
 * still alive `t` time units later, over the population: the lifetime is
 * exponential with rate μ ~ Gamma(s, β), so P = E[e^−μt] = (β / (β + t))^s.
 */
export function aliveAfter({ s, beta }: ParetoNbdParams, t: number): number {
  if (t <= 0) return 1;
  return Math.exp(-s * Math.log1p(t / beta));
}
