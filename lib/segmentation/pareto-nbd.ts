/* eslint-disable max-lines -- the Pareto/NBD likelihood needs its own Gauss hypergeometric function (series, connection formula, continued fraction) with analytic derivatives; the fit, predictions and survival belong with it. */
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import { checkSummaries, FitError, type Fit, type RepeatSummary } from "./clv";
import { distinctValues, maximiseWithGradient, weighted } from "./optimise";

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
 * - the mean log-likelihood is maximised over log-parameters with its
 *   analytic gradient (optimise.ts). The 2F1 terms depend on (x, t_x) and on
 *   (x, T) alone, so they are evaluated once per distinct pair, and identical
 *   customers are grouped.
 * Plain data in, plain data out: no framework, no I/O.
 */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * log F(u) and its partial derivatives over (p, α, q, β), written into
 * `out` as [log F, ∂/∂p, ∂/∂α, ∂/∂q, ∂/∂β], where
 * F(u) = ∫_u^∞ (α + τ)^−p (β + τ)^−q dτ, p = r + x, q = s + 1.
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
function logTail(p: number, alpha: number, q: number, beta: number, u: number, out: Float64Array): void {
  const alphaSmaller = alpha < beta;
  const m = alphaSmaller ? alpha : beta;
  const big = alphaSmaller ? beta : alpha;
  const e = alphaSmaller ? p : q;
  const e2 = alphaSmaller ? q : p;
  const a = p + q - 1;
  const mu = m + u;
  const bigU = big + u;
  const z = (big - m) / bigU;
  // [log S, ∂ log S/∂e', ∂ log S/∂a, ∂ log S/∂z] for S = 2F1(1, e'; a + 1; z), e' and a taken apart.
  const oneMinusZ = mu / bigU;
  const hyp = seriesIsShorter(a + 1 - e2, a, z, oneMinusZ)
    ? hypergeometricSeries(e2, a, z, oneMinusZ)
    : connectionIsSafe(e2, a, oneMinusZ)
      ? hypergeometricConnection(e2, a, z, oneMinusZ)
      : hypergeometricFraction(e2, a, z, oneMinusZ);
  const logBigU = Math.log(bigU);
  const logMu = Math.log(mu);
  // a = e + e' − 1 moves with both exponents.
  const dE2 = -logBigU - 1 / a + hyp[1]! + hyp[2]!;
  const dE = -logMu - 1 / a + hyp[2]!;
  // ∂z/∂M = (m + u) / (M + u)², ∂z/∂m = −1 / (M + u).
  const dBig = -e2 / bigU + (hyp[3]! * mu) / (bigU * bigU);
  const dSmall = (1 - e) / mu - hyp[3]! / bigU;
  out[0] = -e2 * logBigU + (1 - e) * logMu - Math.log(a) + hyp[0]!;
  out[1] = alphaSmaller ? dE : dE2;
  out[2] = alphaSmaller ? dSmall : dBig;
  out[3] = alphaSmaller ? dE2 : dE;
  out[4] = alphaSmaller ? dBig : dSmall;
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
  const closed = sign * Math.exp(gammaln(a + 1) + gammaln(-delta) - gammaln(e2) + delta * logEps - a * logZ);
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

/** log F(u) alone (logTail, its derivatives unused). */
function logTailValue(p: number, alpha: number, q: number, beta: number, u: number): number {
  logTail(p, alpha, q, beta, u, tailScratch);
  return tailScratch[0]!;
}

/**
 * The bracket of the likelihood, log[(α + T)^−(r + x) (β + T)^−s + s (F(t_x) − F(T))],
 * and the share of its first term (alive at T): P(alive).
 */
function logBracket({ r, alpha, s, beta }: ParetoNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): { value: number; alive: number } {
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const logFtx = logTailValue(r + x, alpha, s + 1, beta, tx);
  const logFT = tx === T ? logFtx : logTailValue(r + x, alpha, s + 1, beta, T);
  // s (F(t_x) − F(T)) in logs: F(T) ≤ F(t_x), so −expm1 is in [0, 1].
  const gone = Math.log(s) + logFtx + Math.log(-Math.expm1(logFT - logFtx));
  const hi = Math.max(alive, gone);
  const value = hi + Math.log(Math.exp(alive - hi) + Math.exp(gone - hi));
  return { value, alive: Math.exp(alive - value) };
}

/** Pareto/NBD log-likelihood of one customer (lifetimes' ParetoNBDFitter._conditional_log_likelihood). */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, customer: RepeatSummary): number {
  const { r, alpha, s, beta } = params;
  const x = customer.frequency;
  return gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + logBracket(params, customer).value;
}

export function fitParetoNbd(customers: readonly RepeatSummary[]): Fit<ParetoNbdParams> {
  checkSummaries(customers);
  if (customers.length < 10) throw new FitError("too_few_customers", `Pareto/NBD needs at least 10 customers; there are ${customers.length}.`);
  const repeaters = customers.filter((c) => c.frequency > 0).length;
  if (repeaters < 5) throw new FitError("too_few_repeat_customers", `Pareto/NBD needs customers who bought again; only ${repeaters} did.`);
  const n = customers.length;
  const meanT = customers.reduce((total, c) => total + c.T, 0) / n;
  const { x: best, fx, iterations } = maximiseWithGradient(paretoNbdObjective(customers), [1, meanT, 1, meanT]);
  const [r, alpha, s, beta] = best.map(Math.exp) as [number, number, number, number];
  if (![r, alpha, s, beta].every((v) => Number.isFinite(v) && v > 0 && v < 1e8)) {
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
  // The 2F1 terms: once per distinct (x, u) pair, u = t_x or T (a few thousand pairs for 200,000 customers by day).
  const pairIndex = new Map<string, number>();
  const pairX: number[] = [];
  const pairU: number[] = [];
  const pairOf = (frequency: number, u: number) => {
    const key = `${frequency}|${u}`;
    let i = pairIndex.get(key);
    if (i === undefined) {
      pairIndex.set(key, (i = pairX.length));
      pairX.push(frequency);
      pairU.push(u);
    }
    return i;
  };
  const atTx = Int32Array.from(groups, (g) => pairOf(g.row.frequency, g.row.recency));
  const atT = Int32Array.from(groups, (g) => pairOf(g.row.frequency, g.row.T));
  const pairs = pairX.length;
  // Per pair: log F and its derivatives over (p, α, q, β), filled by logTail.
  const tails = new Float64Array(5 * pairs);
  const scratch = new Float64Array(5);
  const logAlphaT = new Float64Array(byT.values.length);
  const logBetaT = new Float64Array(byT.values.length);
  const invAlphaT = new Float64Array(byT.values.length);
  const invBetaT = new Float64Array(byT.values.length);
  // The mean log-likelihood and its gradient over (r, α, s, β), in one pass.
  return ([r, alpha, s, beta]: number[], gradient: number[]) => {
    let sum = 0;
    let dr = 0;
    let dAlpha = 0;
    let ds = 0;
    let dBeta = 0;
    const gr = gammaln(r!);
    const pr = digamma(r!);
    for (const g of byX) {
      sum += g.weight * (gammaln(r! + g.x) - gr);
      dr += g.weight * (digamma(r! + g.x) - pr);
    }
    const logAlpha = Math.log(alpha!);
    const logBeta = Math.log(beta!);
    sum += n * (r! * logAlpha + s! * logBeta);
    dr += n * logAlpha;
    dAlpha += (n * r!) / alpha!;
    ds += n * logBeta;
    dBeta += (n * s!) / beta!;
    for (let j = 0; j < pairs; j++) {
      logTail(r! + pairX[j]!, alpha!, s! + 1, beta!, pairU[j]!, scratch);
      if (!Number.isFinite(scratch[0]!)) return Number.NaN;
      tails.set(scratch, 5 * j);
    }
    for (let j = 0; j < logAlphaT.length; j++) {
      logAlphaT[j] = Math.log(alpha! + byT.values[j]!);
      logBetaT[j] = Math.log(beta! + byT.values[j]!);
      invAlphaT[j] = 1 / (alpha! + byT.values[j]!);
      invBetaT[j] = 1 / (beta! + byT.values[j]!);
    }
    const logS = Math.log(s!);
    for (let i = 0; i < x.length; i++) {
      const wi = w[i]!;
      const rx = r! + x[i]!;
      const t = byT.index[i]!;
      const f1 = 5 * atTx[i]!;
      const f2 = 5 * atT[i]!;
      // log[e^alive + s F(t_x) − s F(T)], scaled by the larger of its first two terms.
      const alive = -rx * logAlphaT[t]! - s! * logBetaT[t]!;
      const fromTx = logS + tails[f1]!;
      const hi = alive > fromTx ? alive : fromTx;
      const wAlive = Math.exp(alive - hi);
      const w1 = Math.exp(fromTx - hi);
      const w2 = f1 === f2 ? w1 : Math.exp(logS + tails[f2]! - hi);
      const total = wAlive + w1 - w2;
      sum += wi * (hi + Math.log(total));
      const k = wi / total;
      dr += k * (-wAlive * logAlphaT[t]! + w1 * tails[f1 + 1]! - w2 * tails[f2 + 1]!);
      dAlpha += k * (-wAlive * rx * invAlphaT[t]! + w1 * tails[f1 + 2]! - w2 * tails[f2 + 2]!);
      ds += k * (-wAlive * logBetaT[t]! + (w1 - w2) / s! + w1 * tails[f1 + 3]! - w2 * tails[f2 + 3]!);
      dBeta += k * (-wAlive * s! * invBetaT[t]! + w1 * tails[f1 + 4]! - w2 * tails[f2 + 4]!);
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
 * Expected number of purchases in the next `t` time units, given the
 * customer's history (lifetimes' conditional_expected_number_of_purchases_up_to_time;
 * Fader and Hardie 2005, eq. 41):
 * P(alive) · (r + x) (β + T) / ((α + T) (s − 1)) · [1 − ((β + T) / (β + T + t))^(s − 1)],
 * whose limit at s = 1 is (r + x) (β + T) / (α + T) · log((β + T + t) / (β + T)).
 */
export function expectedPurchases(params: ParetoNbdParams, customer: RepeatSummary, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  const { frequency: x, T } = customer;
  const logRatio = Math.log1p(t / (beta + T));
  // [1 − y^(s − 1)] / (s − 1) with y = (β + T) / (β + T + t): −expm1(−(s − 1) L) / (s − 1), L = log(1 / y).
  const k = s - 1;
  const horizon = k === 0 ? logRatio : -Math.expm1(-k * logRatio) / k;
  return probabilityAlive(params, customer) * ((r + x) / (alpha + T)) * (beta + T) * horizon;
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
