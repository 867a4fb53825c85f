import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import hyp2f1 from "@stdlib/math-base-special-hyp2f1";
import { checkSummaries, FitError, type BgNbdParams, type Fit, type RepeatSummary } from "./clv";
import { distinctValues, maximiseWithGradient, weighted } from "./optimise";

/**
 * The MBG/NBD model of repeat buying (Batislam, Denizel and Filiztekin,
 * 2007, "Empirical validation and comparison of models for customer base
 * analysis", IJRM 24(3); with Wagner and Hoppe's 2008 erratum, IJRM 25(3)),
 * fitted by maximum likelihood with the conventions of Python lifetimes'
 * ModifiedBetaGeoFitter, so the parameters agree with it. It is BG/NBD
 * (clv.ts) with one change: a customer may also drop out right after the
 * first purchase, not only after a repeat purchase, so a customer who never
 * bought again may be gone (P(alive) < 1 at x = 0).
 * - per customer: purchases at rate λ ~ Gamma(r, α) while alive; after each
 *   purchase (the first included) dropout with probability p ~ Beta(a, b);
 * - x, t_x, T as in clv.ts (repeat purchase days, days or weeks);
 * - the mean log-likelihood is maximised over log-parameters with its
 *   analytic gradient (optimise.ts), identical customers grouped.
 * Plain data in, plain data out: no framework, no I/O.
 */

/** MBG/NBD log-likelihood of one customer (lifetimes' ModifiedBetaGeoFitter._negative_log_likelihood, negated). */
export function mbgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): number {
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1);
  // Alive at T, or dropped out right after the last purchase (at t_x).
  const alive = -(r + x) * Math.log(alpha + T);
  const gone = Math.log(a) - Math.log(b + x) - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(alive, gone);
  return a1 + a2 + hi + Math.log1p(Math.exp(-Math.abs(alive - gone)));
}

export function fitMbgNbd(customers: readonly RepeatSummary[]): Fit<BgNbdParams> {
  checkSummaries(customers);
  if (customers.length < 10) throw new FitError("too_few_customers", `MBG/NBD needs at least 10 customers; there are ${customers.length}.`);
  const repeaters = customers.filter((c) => c.frequency > 0).length;
  if (repeaters < 5) throw new FitError("too_few_repeat_customers", `MBG/NBD needs customers who bought again; only ${repeaters} did.`);
  const groups = weighted(customers, (c) => `${c.frequency}|${c.recency}|${c.T}`);
  // The log-gamma terms depend on x alone: summed once per distinct x, weighted.
  const byX = weighted(customers, (c) => String(c.frequency)).map((g) => ({ x: g.row.frequency, weight: g.weight }));
  const n = customers.length;
  const x = Float64Array.from(groups, (g) => g.row.frequency);
  const w = Float64Array.from(groups, (g) => g.weight);
  // log(α + T), log(α + t_x) and log(b + x) once per distinct T, t_x and x per evaluation (as fitBgNbd).
  const byT = distinctValues(groups.map((g) => g.row.T));
  const byTx = distinctValues(groups.map((g) => g.row.recency));
  const byFrequency = distinctValues(groups.map((g) => g.row.frequency));
  const logAlphaT = new Float64Array(byT.values.length);
  const invAlphaT = new Float64Array(byT.values.length);
  const logAlphaTx = new Float64Array(byTx.values.length);
  const invAlphaTx = new Float64Array(byTx.values.length);
  const logBx = new Float64Array(byFrequency.values.length);
  const invBx = new Float64Array(byFrequency.values.length);
  // The mean log-likelihood and its gradient over (r, α, a, b), in one pass: each customer's two terms (alive at T,
  // gone after t_x) weighted by their share of the sum.
  const ll = ([r, alpha, a, b]: number[], gradient: number[]) => {
    let sum = 0;
    let dr = 0;
    let dAlpha = 0;
    let da = 0;
    let db = 0;
    const gr = gammaln(r!);
    const gab = gammaln(a! + b!) - gammaln(b!);
    const pr = digamma(r!);
    const pab = digamma(a! + b!);
    const pb = digamma(b!);
    for (const g of byX) {
      const pabx = digamma(a! + b! + g.x + 1);
      sum += g.weight * (gammaln(r! + g.x) - gr + gab + gammaln(b! + g.x + 1) - gammaln(a! + b! + g.x + 1));
      dr += g.weight * (digamma(r! + g.x) - pr);
      da += g.weight * (pab - pabx);
      db += g.weight * (pab + digamma(b! + g.x + 1) - pb - pabx);
    }
    const logAlpha = Math.log(alpha!);
    sum += n * r! * logAlpha;
    dr += n * logAlpha;
    dAlpha += (n * r!) / alpha!;
    for (let j = 0; j < logAlphaT.length; j++) {
      logAlphaT[j] = Math.log(alpha! + byT.values[j]!);
      invAlphaT[j] = 1 / (alpha! + byT.values[j]!);
    }
    for (let j = 0; j < logAlphaTx.length; j++) {
      logAlphaTx[j] = Math.log(alpha! + byTx.values[j]!);
      invAlphaTx[j] = 1 / (alpha! + byTx.values[j]!);
    }
    for (let j = 0; j < logBx.length; j++) {
      logBx[j] = Math.log(b! + byFrequency.values[j]!);
      invBx[j] = 1 / (b! + byFrequency.values[j]!);
    }
    const logA = Math.log(a!);
    for (let i = 0; i < x.length; i++) {
      const wi = w[i]!;
      const rx = r! + x[i]!;
      const t = byT.index[i]!;
      const tx = byTx.index[i]!;
      const f = byFrequency.index[i]!;
      const alive = -rx * logAlphaT[t]!;
      const gone = logA - logBx[f]! - rx * logAlphaTx[tx]!;
      // log(e^alive + e^gone) = max + log1p(e^−|alive − gone|); pGone: gone's share of the sum.
      const e = Math.exp(-Math.abs(alive - gone));
      sum += wi * ((alive > gone ? alive : gone) + Math.log1p(e));
      const pGone = gone > alive ? 1 / (1 + e) : e / (1 + e);
      const pAlive = 1 - pGone;
      dr -= wi * (pAlive * logAlphaT[t]! + pGone * logAlphaTx[tx]!);
      dAlpha -= wi * rx * (pAlive * invAlphaT[t]! + pGone * invAlphaTx[tx]!);
      da += (wi * pGone) / a!;
      db -= wi * pGone * invBx[f]!;
    }
    gradient[0] = dr / n;
    gradient[1] = dAlpha / n;
    gradient[2] = da / n;
    gradient[3] = db / n;
    return sum / n;
  };
  const meanT = customers.reduce((s, c) => s + c.T, 0) / n;
  const { x: best, fx, iterations } = maximiseWithGradient(ll, [1, meanT, 1, 1]);
  const [r, alpha, a, b] = best.map(Math.exp) as [number, number, number, number];
  if (![r, alpha, a, b].every((v) => Number.isFinite(v) && v > 0 && v < 1e8)) {
    throw new FitError("did_not_converge", "The MBG/NBD fit did not converge: the data do not pin down the parameters (too few or too regular repeat purchases).");
  }
  return { params: { r, alpha, a, b }, logLikelihood: -fx * n, iterations };
}

/** Probability that a customer is still active at the analysis date (Batislam et al. 2007, appendix A, eq. 5); below 1 even without repeat purchases. */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): number {
  const logDiv = (r + x) * Math.log((alpha + T) / (alpha + tx)) + Math.log(a / (b + x));
  return 1 / (1 + Math.exp(logDiv));
}

/**
 * Expected number of purchases in the next `t` time units, given the
 * customer's history (lifetimes' conditional_expected_number_of_purchases_up_to_time):
 * (a + b + x) / (a − 1) · [1 − ((α + T) / (α + T + t))^(r + x) · 2F1(r + x, b + x + 1; a + b + x; z)] · P(alive),
 * z = t / (α + T + t). The hypergeometric term is taken through Euler's
 * transformation, (1 − z)^(a − 1) · 2F1(a + b − r, a − 1; a + b + x; z), whose
 * parameters do not grow with x (the plain form overflows for frequent buyers).
 */
export function expectedPurchases(params: BgNbdParams, customer: RepeatSummary, t: number): number {
  if (t <= 0) return 0;
  const { a } = params;
  // (a + b + x)/(a − 1) · [1 − …] is 0/0 at a = 1: take it as the mean of its two smooth sides there.
  if (Math.abs(a - 1) < 1e-6) {
    return (expectedPurchases({ ...params, a: 1 - 1e-5 }, customer, t) + expectedPurchases({ ...params, a: 1 + 1e-5 }, customer, t)) / 2;
  }
  const { r, alpha, b } = params;
  const { frequency: x, T } = customer;
  const z = t / (alpha + T + t);
  const hyp = hyp2f1(a + b - r, a - 1, a + b + x, z);
  const bracket = -Math.expm1((a - 1) * Math.log1p(-z) + Math.log(hyp));
  return ((a + b + x) / (a - 1)) * bracket * probabilityAlive(params, customer);
}

/**
 * Probability that a new customer (who has just made a first purchase) is
 * still alive `t` time units later, over the population: given λ and p the
 * customer survives the first purchase with probability 1 − p and then drops
 * out at rate λp, so P = E[(1 − p) · (α / (α + p t))^r] over p ~ Beta(a, b)
 * = b / (a + b) · 2F1(r, a; a + b + 1; −t / α) = b / (a + b) · (α / (α + t))^r · 2F1(r, b + 1; a + b + 1; t / (α + t))
 * (Pfaff's transformation, so the argument lies in [0, 1)).
 */
export function aliveAfter({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t <= 0) return b / (a + b);
  return (b / (a + b)) * (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1, a + b + 1, t / (alpha + t));
}
