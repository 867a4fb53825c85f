import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import { logHyp2f1AtMinus, purchasesIfAlive } from "./beta-geometric";
import { distinctValues, maximiseWithGradient, weighted } from "./optimise";

/**
 * Churn and lifetime value: the BG/NBD model of repeat buying (Fader, Hardie
 * and Lee, 2005) and the Gamma-Gamma model of spend (Fader, Hardie and Lee,
 * 2005b), fitted by maximum likelihood with the conventions of Python's
 * lifetimes, so the parameters agree with it:
 * - per customer, x = repeat purchase days (distinct purchase days minus one),
 *   t_x = time from the first to the last purchase, T = time from the first
 *   purchase to the analysis date, in days or in weeks (days / 7);
 * - the mean log-likelihoods are maximised over log-parameters (conjugate
 *   gradients with their analytic gradients, then Newton steps), with
 *   identical customers grouped and weighted;
 * - Gamma-Gamma uses repeat customers only, with their mean spend per repeat
 *   purchase day.
 * Plain data in, plain data out: no framework, no I/O.
 */
export interface RepeatSummary {
  /** Repeat purchase days: distinct purchase days minus one. */
  frequency: number;
  /** Time from the first to the last purchase. */
  recency: number;
  /** Time from the first purchase to the analysis date. */
  T: number;
}

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export interface Fit<P> {
  params: P;
  /** Total log-likelihood at the optimum. */
  logLikelihood: number;
  iterations: number;
}

/** A model that cannot be fitted to this data; the message says why, for people. */
export class FitError extends Error {
  override name = "FitError";
  constructor(
    readonly code: "too_few_customers" | "too_few_repeat_customers" | "did_not_converge" | "invalid_input",
    message: string,
  ) {
    super(message);
  }
}

/** Throws FitError("invalid_input") unless every summary is a possible (x, t_x, T). */
export function checkSummaries(customers: readonly RepeatSummary[]): void {
  for (const c of customers) {
    if (!(c.frequency >= 0 && c.recency >= 0 && c.T > 0 && c.recency <= c.T) || !Number.isInteger(c.frequency)) {
      throw new FitError("invalid_input", `invalid customer summary ${JSON.stringify(c)}: need a whole frequency ≥ 0 and 0 ≤ recency ≤ T, T > 0`);
    }
    if (c.frequency === 0 && c.recency !== 0) throw new FitError("invalid_input", `a customer without repeat purchases has recency 0, not ${c.recency}`);
  }
}

/** BG/NBD log-likelihood of one customer (lifetimes' BetaGeoFitter). */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): number {
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return a1 + a2 + a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(a3, a4);
  return a1 + a2 + hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi));
}

export function fitBgNbd(customers: readonly RepeatSummary[]): Fit<BgNbdParams> {
  return fitBetaGeometric(customers, "BG/NBD");
}

/**
 * BG/NBD's fit, and MBG/NBD's (mbgnbd.ts), which differs in one place: a
 * customer may also drop out right after the first purchase. Per customer the
 * likelihood is Γ-terms of x times (alive at T) + (gone after t_x), where
 * MBG/NBD's Γ-terms and dropout odds have x + 1 where BG/NBD's have x, and
 * BG/NBD's one-time buyers have no "gone" term.
 */
export function fitBetaGeometric(customers: readonly RepeatSummary[], model: "BG/NBD" | "MBG/NBD"): Fit<BgNbdParams> {
  checkSummaries(customers);
  if (customers.length < 10) throw new FitError("too_few_customers", `${model} needs at least 10 customers; there are ${customers.length}.`);
  const repeaters = customers.filter((c) => c.frequency > 0).length;
  if (repeaters < 5) throw new FitError("too_few_repeat_customers", `${model} needs customers who bought again; only ${repeaters} did.`);
  // MBG/NBD: dropout possible after the first purchase too, so its terms in x are BG/NBD's at x + 1.
  const modified = model === "MBG/NBD";
  const shift = modified ? 1 : 0;
  const groups = weighted(customers, (c) => `${c.frequency}|${c.recency}|${c.T}`);
  // The log-gamma terms depend on x alone: sum them once per distinct x, weighted.
  const byX = [...weighted(customers, (c) => String(c.frequency))].map((g) => ({ x: g.row.frequency + shift, weight: g.weight, frequency: g.row.frequency }));
  const n = customers.length;
  const x = Float64Array.from(groups, (g) => g.row.frequency);
  const w = Float64Array.from(groups, (g) => g.weight);
  // log(α + T), log(α + t_x) and log(b + x − 1) (MBG/NBD: b + x) are taken once per distinct T, t_x and x (a few
  // hundred) per evaluation, not once per customer profile (thousands): the fit takes a third of the time.
  const byT = distinctValues(groups.map((g) => g.row.T));
  const byTx = distinctValues(groups.map((g) => g.row.recency));
  const byFrequency = distinctValues(groups.map((g) => g.row.frequency));
  const logAlphaT = new Float64Array(byT.values.length);
  const invAlphaT = new Float64Array(byT.values.length);
  const logAlphaTx = new Float64Array(byTx.values.length);
  const invAlphaTx = new Float64Array(byTx.values.length);
  const logBx = new Float64Array(byFrequency.values.length);
  const invBx = new Float64Array(byFrequency.values.length);
  // The mean log-likelihood and its gradient over (r, α, a, b), in one pass (the gradient: digammas per distinct x,
  // and each customer's two terms weighted by their share of e^alive + e^gone).
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
      // g.x: x, or x + 1 for MBG/NBD; r's terms take the frequency itself.
      const pabx = digamma(a! + b! + g.x);
      sum += g.weight * (gammaln(r! + g.frequency) - gr + gab + gammaln(b! + g.x) - gammaln(a! + b! + g.x));
      dr += g.weight * (digamma(r! + g.frequency) - pr);
      da += g.weight * (pab - pabx);
      db += g.weight * (pab + digamma(b! + g.x) - pb - pabx);
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
      const bx = modified ? b! + byFrequency.values[j]! : b! + byFrequency.values[j]! - 1;
      logBx[j] = Math.log(bx);
      invBx[j] = 1 / bx;
    }
    const logA = Math.log(a!);
    for (let i = 0; i < x.length; i++) {
      const wi = w[i]!;
      const rx = r! + x[i]!;
      const t = byT.index[i]!;
      const alive = -rx * logAlphaT[t]!;
      if (x[i] === 0 && !modified) {
        // BG/NBD: a one-time buyer cannot have dropped out.
        sum += wi * alive;
        dr -= wi * logAlphaT[t]!;
        dAlpha -= wi * rx * invAlphaT[t]!;
        continue;
      }
      const tx = byTx.index[i]!;
      const f = byFrequency.index[i]!;
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
    throw new FitError("did_not_converge", `The ${model} fit did not converge: the data do not pin down the parameters (too few or too regular repeat purchases).`);
  }
  return { params: { r, alpha, a, b }, logLikelihood: -fx * n, iterations };
}

/** Probability that a customer is still active ("alive") at the analysis date. */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): number {
  if (x === 0) return 1;
  const logDiv = (r + x) * Math.log((alpha + T) / (alpha + tx)) + Math.log(a / (b + x - 1));
  return 1 / (1 + Math.exp(logDiv));
}

/** Expected number of purchases in the next `t` time units, given the customer's history. */
export function expectedPurchases(params: BgNbdParams, customer: RepeatSummary, t: number): number {
  return expectedPurchasesNumerator(params, customer, t) / expectedPurchasesDenominator(params, customer);
}

/**
 * expectedPurchases is a numerator that depends on (x, T, t) alone, with the
 * hypergeometric function, over a denominator that also has t_x:
 * (a + b + x - 1) / (a - 1) · [1 - ((α + T) / (α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x - 1; t / (α + T + t))]
 * over 1 + [x > 0] · a / (b + x - 1) · ((α + T) / (α + t_x))^(r + x).
 * Customers who share (x, T) share the numerator (lifetimeValues computes it once for them).
 */
export function expectedPurchasesNumerator({ r, alpha, a, b }: BgNbdParams, { frequency: x, T }: Pick<RepeatSummary, "frequency" | "T">, t: number): number {
  // In log space (beta-geometric.ts): the plain 2F1 overflows for frequent buyers and for large a and b.
  return purchasesIfAlive(r, alpha, a, a + b + x - 1, x, T, t);
}

export function expectedPurchasesDenominator({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency: tx, T }: RepeatSummary): number {
  return 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 0);
}

/**
 * Probability that a new customer (who has just made a first purchase) is
 * still alive `t` time units later, over the population: given λ and p,
 * dropout comes at a purchase with probability p, so after an exponential
 * time of rate λp, and P = E[(α / (α + p t))^r] over p ~ Beta(a, b)
 * = 2F1(r, a; a + b; −t / α) = (α / (α + t))^r · 2F1(r, b; a + b; t / (α + t))
 * (Pfaff's transformation, so the argument lies in [0, 1)), in log space (beta-geometric.ts).
 */
export function aliveAfter({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t <= 0) return 1;
  return Math.exp(logHyp2f1AtMinus(r, a, a + b, t / alpha));
}

export interface SpendSummary {
  /** Repeat purchase days (> 0 for the fit). */
  frequency: number;
  /** Mean spend per repeat purchase day. */
  monetary: number;
}

/** Gamma-Gamma log-likelihood of one repeat customer (lifetimes' GammaGammaFitter). */
export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParams, { frequency: x, monetary: m }: SpendSummary): number {
  return gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v);
}

export function fitGammaGamma(customers: readonly SpendSummary[]): Fit<GammaGammaParams> {
  const repeat = customers.filter((c) => c.frequency > 0);
  if (repeat.length < 10) {
    throw new FitError("too_few_repeat_customers", `Gamma-Gamma needs at least 10 customers who bought again; there are ${repeat.length}.`);
  }
  if (repeat.some((c) => !(c.monetary > 0))) {
    throw new FitError("invalid_input", "Gamma-Gamma needs a positive mean spend for every repeat customer (exclude returns and free orders first).");
  }
  // gammaln(px + q) − gammaln(px) depends on x alone: once per distinct x; the rest per customer, logs precomputed.
  const byX = weighted(repeat, (c) => String(c.frequency)).map((g) => ({ x: g.row.frequency, weight: g.weight }));
  const n = repeat.length;
  const xs = Float64Array.from(repeat, (c) => c.frequency);
  const logM = Float64Array.from(repeat, (c) => Math.log(c.monetary));
  const xm = Float64Array.from(repeat, (c) => c.frequency * c.monetary);
  const logX = Float64Array.from(repeat, (c) => Math.log(c.frequency));
  const ll = ([p, q, v]: number[], gradient: number[]) => {
    let sum = n * (q! * Math.log(v!) - gammaln(q!));
    let dp = 0;
    let dq = n * (Math.log(v!) - digamma(q!));
    let dv = (n * q!) / v!;
    for (const g of byX) {
      const pxq = digamma(p! * g.x + q!);
      sum += g.weight * (gammaln(p! * g.x + q!) - gammaln(p! * g.x));
      dp += g.weight * g.x * (pxq - digamma(p! * g.x));
      dq += g.weight * pxq;
    }
    for (let i = 0; i < n; i++) {
      const xi = xs[i]!;
      const px = p! * xi;
      const logXmV = Math.log(xm[i]! + v!);
      sum += (px - 1) * logM[i]! + px * logX[i]! - (px + q!) * logXmV;
      dp += xi * (logM[i]! + logX[i]! - logXmV);
      dq -= logXmV;
      dv -= (px + q!) / (xm[i]! + v!);
    }
    gradient[0] = dp / n;
    gradient[1] = dq / n;
    gradient[2] = dv / n;
    return sum / n;
  };
  const { x, fx, iterations } = maximiseWithGradient(ll, [1, 1, 1]);
  const [p, q, v] = x.map(Math.exp) as [number, number, number];
  if (![p, q, v].every((value) => Number.isFinite(value) && value > 0 && value < 1e8) || q <= 1) {
    throw new FitError("did_not_converge", "The Gamma-Gamma fit did not converge (q ≤ 1 means the average spend has no finite mean): spend varies too little or too wildly.");
  }
  return { params: { p, q, v }, logLikelihood: -fx * n, iterations };
}

/** Expected mean spend per purchase of a customer (shrunk toward the population mean when they bought little). */
export function expectedAverageSpend({ p, q, v }: GammaGammaParams, { frequency: x, monetary: m }: SpendSummary): number {
  const populationMean = (v * p) / (q - 1);
  if (x === 0) return populationMean;
  const weight = (p * x) / (p * x + q - 1);
  return (1 - weight) * populationMean + weight * m;
}

/** Time units per month: lifetimes counts a month as 30 days, or 4.345 weeks. */
export const UNITS_PER_MONTH = { days: 30, weeks: 4.345 } as const;

/**
 * Customer lifetime value over `months`, discounted monthly: for each month, the
 * expected purchases in it times the expected spend per purchase, divided by
 * (1 + discount)^month (lifetimes' customer_lifetime_value).
 */
export function lifetimeValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: RepeatSummary & SpendSummary,
  options: { months: number; monthlyDiscount: number; unit: keyof typeof UNITS_PER_MONTH },
): number {
  return expectedAverageSpend(gammaGamma, customer) * discountedPurchases(bgnbd, customer, options);
}

/**
 * The purchases a customer is expected to make in each coming month,
 * discounted monthly and added up: lifetimeValue is this times the expected
 * spend per purchase. It depends on the customer's (x, t_x, T) alone, so
 * customers who share them share it.
 */
export function discountedPurchases(bgnbd: BgNbdParams, customer: RepeatSummary, options: HorizonOptions): number {
  return purchasesOverHorizon(bgnbd, customer, options).discounted;
}

/**
 * The purchases expected over the horizon, plain and discounted month by
 * month, from the same expectedPurchases values (the plain one is the last
 * month's: one hypergeometric function less per customer than apart).
 */
export function purchasesOverHorizon(bgnbd: BgNbdParams, customer: RepeatSummary, options: HorizonOptions): { expected: number; discounted: number } {
  const over = horizonNumerators(bgnbd, customer, options);
  const denominator = expectedPurchasesDenominator(bgnbd, customer);
  return { expected: over.expected / denominator, discounted: over.discounted / denominator };
}

export interface HorizonOptions {
  months: number;
  monthlyDiscount: number;
  unit: keyof typeof UNITS_PER_MONTH;
}

/**
 * purchasesOverHorizon's numerators (expectedPurchasesNumerator): both are
 * sums of a month's purchases over the same denominator, so they depend on
 * (x, T) alone; divided by expectedPurchasesDenominator they are the
 * customer's.
 */
export function horizonNumerators(bgnbd: BgNbdParams, customer: Pick<RepeatSummary, "frequency" | "T">, options: HorizonOptions): { expected: number; discounted: number } {
  return discountedOverHorizon((t) => expectedPurchasesNumerator(bgnbd, customer, t), options);
}

/**
 * The purchases expected over the horizon from a cumulative expectation
 * E[X(t)] (any model's, or a factor of it): plain (E at the horizon's end)
 * and discounted month by month, each month's purchases divided by
 * (1 + discount)^month.
 */
export function discountedOverHorizon(expected: (t: number) => number, options: HorizonOptions): { expected: number; discounted: number } {
  const perMonth = UNITS_PER_MONTH[options.unit];
  let value = 0;
  let before = 0;
  for (let month = 1; month <= options.months; month++) {
    const upTo = expected(month * perMonth);
    value += (upTo - before) / (1 + options.monthlyDiscount) ** month;
    before = upTo;
  }
  return { expected: before, discounted: value };
}
