import hyp2f1 from "@stdlib/math-base-special-hyp2f1";

/**
 * The hypergeometric parts of the beta-geometric models (BG/NBD in clv.ts,
 * MBG/NBD in mbgnbd.ts): a live customer's expected purchases and a new
 * customer's survival, through the Gauss hypergeometric function at a negative
 * argument, in log space. Both models' expected purchases and survival are
 * 2F1(a, b; c; −s) = E[(1 + p·s)^−a] over p ~ Beta(b, c − b), s ≥ 0, a number
 * in (0, 1] when c > b > 0, taken in the papers (and Python lifetimes) through
 * Pfaff's transformation as (1 − z)^a · 2F1(a, c − b; c; z), z = s / (1 + s).
 * That 2F1 is about (1 − z)^−a times the result, so it overflows to Infinity
 * when a·log(1 + s) passes ~709 although the product is modest: frequent
 * buyers (a = r + x large) in lifetimes' form, and fits with large Beta
 * parameters (a ≈ 3·10^4, b ≈ 3.6·10^5, seen fitting MBG/NBD to a few hundred
 * customers) in Euler's form. Here the parameter pulled out is the smaller of
 * the two (2F1 is symmetric in them) whose 2F1 keeps its terms of one sign,
 * and a series of positive terms is summed with a running scale, so it never
 * overflows. Plain numbers in, out.
 */

/** Terms of the series summed at most (z near 1 needs about 40 / −log z past the peak); beyond, stdlib's hyp2f1. */
const MAX_TERMS = 1_000_000;

/**
 * log 2F1(a, b; c; −s) for s ≥ 0, c > 0 (purchasesIfAlive takes c ≤ 0 apart): p · log(1 − z) + log 2F1(p, c − q; c; z), z = s / (1 + s), with (p, q) one of
 * (a, b) and (b, a), taken where c − q > 0, and of the two such the smaller p (the smaller 2F1). With p > 0 too,
 * every term of that 2F1 is positive: summed here in log space (logPositiveSeries). Otherwise (p < 0: its terms
 * after the first are all negative and it stays below 1) stdlib's hyp2f1 (Cephes). Cephes is not used on the
 * positive series: besides overflowing, on a random grid it was far off (e^222) where c < p, e.g.
 * 2F1(335.6, 3.42; 212.35; 0.8955) = e^102.17 (mpmath, and scipy.integrate.quad of the Beta integral), Cephes e^323.8.
 */
export function logHyp2f1AtMinus(a: number, b: number, c: number, s: number): number {
  if (s === 0 || a === 0 || b === 0) return 0;
  const log1mz = -Math.log1p(s);
  const z = s / (1 + s);
  const forms = ([[a, b], [b, a]] as const).filter(([, q]) => c - q > 0);
  const [p, q] = forms.length === 0 ? (a <= b ? [a, b] : [b, a]) : forms.reduce((best, form) => (form[0] < best[0] ? form : best));
  if (p > 0 && c - q > 0) {
    const series = logPositiveSeries(p, c - q, c, z);
    if (Number.isFinite(series)) return p * log1mz + series;
  }
  const plain = hyp2f1(p, c - q, c, z);
  return Number.isFinite(plain) && plain > 0 ? p * log1mz + Math.log(plain) : Number.NaN;
}

/**
 * log Σ (a)_n (b)_n / ((c)_n n!) z^n for a, b, c > 0 and 0 ≤ z < 1: every term positive, no cancellation; the sum
 * and the term are divided down whenever the sum passes 1e250 (their common factor kept as a log), so neither
 * overflows. Stops when the tail, bounded by a geometric series, is below 1e-17 of the sum.
 */
export function logPositiveSeries(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = ((a + n) / (c + n)) * ((b + n) / (n + 1)) * z;
    term *= ratio;
    sum += term;
    if (sum > 1e250) {
      logScale += Math.log(sum);
      term /= sum;
      sum = 1;
    }
    // Past the peak the ratios head for z; the tail is below term · ρ / (1 − ρ) with ρ the larger of the two.
    const rho = Math.max(ratio, z);
    if (rho < 1 && (term * rho) / (1 - rho) < sum * 1e-17) return logScale + Math.log(sum);
  }
  return Number.NaN;
}

/**
 * Expected purchases in the next `t` time units of a customer alive now, who made x repeat purchases in T:
 * E[(1 − e^(−λpt)) / p] over λ ~ Gamma(r + x, α + T) and p ~ Beta(a, c − a + 1), the posterior of a customer who
 * survived c − a − b + 1 dropout chances (BG/NBD: c = a + b + x − 1, x chances; MBG/NBD: c = a + b + x, also the
 * first purchase's):
 * c / (a − 1) · [1 − 2F1(r + x, a − 1; c; −t / (α + T))], which lifetimes writes
 * c / (a − 1) · [1 − ((α + T) / (α + T + t))^(r + x) · 2F1(r + x, c − a + 1; c; t / (α + T + t))].
 * At a = 1 (0/0 there, smooth across) the mean of the two sides at a = 1 ± 1e-5.
 */
export function purchasesIfAlive(r: number, alpha: number, a: number, c: number, x: number, T: number, t: number): number {
  if (t <= 0) return 0;
  if (Math.abs(a - 1) < 1e-6) {
    const d = c - a;
    return (purchasesIfAlive(r, alpha, 1 - 1e-5, d + 1 - 1e-5, x, T, t) + purchasesIfAlive(r, alpha, 1 + 1e-5, d + 1 + 1e-5, x, T, t)) / 2;
  }
  if (c <= 0) {
    // BG/NBD with x = 0 and a + b ≤ 1 (c = a + b − 1; seen fitting Online Retail II, where dropout is not
    // identified: a ≈ 0.005, b ≈ 0.93): no Beta average then, and the 2F1 is negative (−0.27 at t/(α + T + t) ≈ 0.09),
    // which no log can hold. lifetimes' form with Cephes, which cannot overflow here: r + x = r, the fit's own.
    const z = t / (alpha + T + t);
    return (c / (a - 1)) * (1 - Math.pow(1 - z, r + x) * hyp2f1(r + x, c - a + 1, c, z));
  }
  // 1 − 2F1 as −expm1(log 2F1): exact where 2F1 is near 1 (short horizons), and never Infinity − Infinity.
  return (c / (a - 1)) * -Math.expm1(logHyp2f1AtMinus(r + x, a - 1, c, t / (alpha + T)));
}
