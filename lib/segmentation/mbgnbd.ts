import gammaln from "@stdlib/math-base-special-gammaln";
import { logHyp2f1AtMinus, purchasesIfAlive } from "./beta-geometric";
import { fitBetaGeometric, type BgNbdParams, type Fit, type RepeatSummary } from "./clv";

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
 *   analytic gradient by BG/NBD's fit (clv.ts, fitBetaGeometric), which
 *   takes the one change.
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

/** MBG/NBD fitted by maximum likelihood: BG/NBD's fit (clv.ts) with dropout possible after the first purchase. */
export function fitMbgNbd(customers: readonly RepeatSummary[]): Fit<BgNbdParams> {
  return fitBetaGeometric(customers, "MBG/NBD");
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
 * z = t / (α + T + t). The hypergeometric term is taken in log space
 * (beta-geometric.ts): the plain form overflows for frequent buyers, and
 * Euler's, (1 − z)^(a − 1) · 2F1(a + b − r, a − 1; a + b + x; z), for large a
 * (a fit to a few hundred customers gave a ≈ 3·10^4 and −Infinity purchases).
 */
export function expectedPurchases(params: BgNbdParams, customer: RepeatSummary, t: number): number {
  return expectedPurchasesIfAlive(params, customer, t) * probabilityAlive(params, customer);
}

/** expectedPurchases without P(alive): the purchases expected in the next `t` time units of a customer still alive, a function of (x, T) alone. */
export function expectedPurchasesIfAlive({ r, alpha, a, b }: BgNbdParams, { frequency: x, T }: Pick<RepeatSummary, "frequency" | "T">, t: number): number {
  return purchasesIfAlive(r, alpha, a, a + b + x, x, T, t);
}

/**
 * Probability that a new customer (who has just made a first purchase) is
 * still alive `t` time units later, over the population: given λ and p the
 * customer survives the first purchase with probability 1 − p and then drops
 * out at rate λp, so P = E[(1 − p) · (α / (α + p t))^r] over p ~ Beta(a, b)
 * = b / (a + b) · 2F1(r, a; a + b + 1; −t / α) = b / (a + b) · (α / (α + t))^r · 2F1(r, b + 1; a + b + 1; t / (α + t))
 * (Pfaff's transformation, so the argument lies in [0, 1)), in log space (beta-geometric.ts).
 */
export function aliveAfter({ r, alpha, a, b }: BgNbdParams, t: number): number {
  if (t <= 0) return b / (a + b);
  return (b / (a + b)) * Math.exp(logHyp2f1AtMinus(r, a, a + b + 1, t / alpha));
}
