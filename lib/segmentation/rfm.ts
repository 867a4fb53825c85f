/**
 * RFM scores and named segments, computed as R's rfm package computes them
 * (rfm_table_order and rfm_segment, rsquaredacademy/rfm), so the numbers agree
 * with the tool analysts already trust:
 * - with n bins, the breakpoints are the type-7 quantiles of the values at
 *   1/n … (n-1)/n, plus one; bin i is [lower_i, upper_i), from the minimum to the
 *   maximum plus one, so equal values always share a score;
 * - recency is reversed: the most recent customers score n;
 * - explicit breakpoints may replace the quantiles (n = breakpoints + 1);
 * - segments come from an ordered rule table; the first rule that matches wins,
 *   and a customer no rule matches is "Others". The default table
 *   (STANDARD_RULES) partitions the score cube, so neither can happen there;
 *   R's own table is RFM_PACKAGE_RULES.
 * Plain data in, plain data out: no framework, no I/O.
 */
export interface RfmCustomer {
  customerId: string;
  /** Days from the last purchase to the analysis date. */
  recencyDays: number;
  /** Number of purchases (invoices). */
  frequency: number;
  /** Revenue. */
  monetary: number;
}

/** A number of bins (2 to 10), or explicit breakpoints in increasing order. */
export type Bins = number | number[];

export interface RfmOptions {
  recencyBins?: Bins;
  frequencyBins?: Bins;
  monetaryBins?: Bins;
}

export interface ScoreBin {
  score: number;
  /** Inclusive. */
  lower: number;
  /** Exclusive. */
  upper: number;
}

export interface RfmScored extends RfmCustomer {
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  /** recency × 100 + frequency × 10 + monetary, as the rfm package writes it. */
  rfmScore: number;
}

export interface RfmResult {
  customers: RfmScored[];
  bins: { recency: ScoreBin[]; frequency: ScoreBin[]; monetary: ScoreBin[] };
}

export class RfmInputError extends Error {
  override name = "RfmInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Quantile of sorted values, R's default (type 7): linear interpolation between closest ranks. */
export function quantile7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RfmInputError("values", "no values to take a quantile of");
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  // Evaluated as R does (x[lo] + (h - lo) * (x[hi] - x[lo])), so ties give the exact value.
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function checkBins(field: string, bins: Bins): void {
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 2 || bins > 10) throw new RfmInputError(field, `${field} must be a whole number of bins from 2 to 10, or a list of breakpoints`);
    return;
  }
  if (bins.length < 1 || bins.length > 9 || bins.some((b) => !Number.isFinite(b))) {
    throw new RfmInputError(field, `${field} must have 1 to 9 finite breakpoints`);
  }
  for (let i = 1; i < bins.length; i++) {
    if (bins[i]! <= bins[i - 1]!) throw new RfmInputError(field, `${field} breakpoints must increase`);
  }
}

/** The score bins of one measure. `reversed`: the lowest values get the highest score (recency). */
export function scoreBins(values: readonly number[], bins: Bins, reversed: boolean): ScoreBin[] {
  const sorted = Float64Array.from(values).sort();
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const breaks = typeof bins === "number" ? Array.from({ length: bins - 1 }, (_, i) => quantile7(sorted, (i + 1) / bins) + 1) : bins;
  const lowers = [min, ...breaks];
  const uppers = [...breaks, max + 1];
  const n = lowers.length;
  return lowers.map((lower, i) => ({ score: reversed ? n - i : i + 1, lower, upper: uppers[i]! }));
}

/** The score of a value: the last bin that holds it, as the package's assignment loop leaves it. */
function scoreOf(bins: ScoreBin[], value: number): number {
  let score = Number.NaN;
  for (const bin of bins) if (value >= bin.lower && value < bin.upper) score = bin.score;
  return score;
}

export function rfmScores(customers: readonly RfmCustomer[], options: RfmOptions = {}): RfmResult {
  if (customers.length === 0) throw new RfmInputError("customers", "there are no customers to score");
  const recencyBins = options.recencyBins ?? 5;
  const frequencyBins = options.frequencyBins ?? 5;
  const monetaryBins = options.monetaryBins ?? 5;
  checkBins("recencyBins", recencyBins);
  checkBins("frequencyBins", frequencyBins);
  checkBins("monetaryBins", monetaryBins);
  const bins = {
    recency: scoreBins(customers.map((c) => c.recencyDays), recencyBins, true),
    frequency: scoreBins(customers.map((c) => c.frequency), frequencyBins, false),
    monetary: scoreBins(customers.map((c) => c.monetary), monetaryBins, false),
  };
  return {
    bins,
    // The scored customers carry the RFM fields only (a spread of every field a caller's rows hold cost a second at 140,000).
    customers: customers.map((c) => {
      const recencyScore = scoreOf(bins.recency, c.recencyDays);
      const frequencyScore = scoreOf(bins.frequency, c.frequency);
      const monetaryScore = scoreOf(bins.monetary, c.monetary);
      return {
        customerId: c.customerId,
        recencyDays: c.recencyDays,
        frequency: c.frequency,
        monetary: c.monetary,
        recencyScore,
        frequencyScore,
        monetaryScore,
        rfmScore: recencyScore * 100 + frequencyScore * 10 + monetaryScore,
      };
    }),
  };
}

/** A named segment: inclusive score ranges for recency, frequency and monetary. */
export interface SegmentRule {
  name: string;
  recency: [number, number];
  frequency: [number, number];
  monetary: [number, number];
}

export const OTHERS = "Others";

/**
 * The standard segments, for 5 bins: a partition of the 5 × 5 × 5 score cube.
 * Every score combination has exactly one segment, so no rule shadows another,
 * nobody falls to "Others", and rule order does not matter. It is the usual
 * recency × frequency map (recency across, frequency up), with the usual
 * names; monetary follows frequency closely and splits no segment, so every
 * rule takes M 1–5:
 *
 *   F 5 | Can't Lose Them  Can't Lose Them | Loyal      Loyal       Champions
 *   F 4 | At Risk          At Risk         | Loyal      Loyal       Champions
 *   F 3 | At Risk          At Risk         | Need Att.  Potential   Potential
 *   F 2 | Lost             Hibernating     | About To   Potential   Potential
 *   F 1 | Lost             Hibernating     | Sleep      Promising   New Customers
 *         R 1              R 2               R 3        R 4         R 5
 *
 * Each segment is one box of the grid and the boxes tile it (rfm.test.ts checks
 * with analyseRules: no shadowed rule, no uncovered combination). R's rfm
 * package table, whose rules overlap and leave gaps, is RFM_PACKAGE_RULES.
 */
export const STANDARD_RULES: SegmentRule[] = [
  { name: "Champions", recency: [5, 5], frequency: [4, 5], monetary: [1, 5] },
  { name: "Loyal Customers", recency: [3, 4], frequency: [4, 5], monetary: [1, 5] },
  { name: "Potential Loyalist", recency: [4, 5], frequency: [2, 3], monetary: [1, 5] },
  { name: "New Customers", recency: [5, 5], frequency: [1, 1], monetary: [1, 5] },
  { name: "Promising", recency: [4, 4], frequency: [1, 1], monetary: [1, 5] },
  { name: "Need Attention", recency: [3, 3], frequency: [3, 3], monetary: [1, 5] },
  { name: "About To Sleep", recency: [3, 3], frequency: [1, 2], monetary: [1, 5] },
  { name: "At Risk", recency: [1, 2], frequency: [3, 4], monetary: [1, 5] },
  { name: "Can't Lose Them", recency: [1, 2], frequency: [5, 5], monetary: [1, 5] },
  { name: "Hibernating", recency: [2, 2], frequency: [1, 2], monetary: [1, 5] },
  { name: "Lost", recency: [1, 1], frequency: [1, 2], monetary: [1, 5] },
];

/**
 * R's rfm package table (rfm_segment's example, rsquaredacademy/rfm), first
 * match wins: for comparing with the package. Its rules overlap and leave gaps
 * (analyseRules: New Customers, Promising and Can't Lose Them are shadowed).
 */
export const RFM_PACKAGE_RULES: SegmentRule[] = (
  [
    ["Champions", [4, 5], [4, 5]],
    ["Loyal Customers", [2, 5], [3, 5]],
    ["Potential Loyalist", [3, 5], [1, 3]],
    ["New Customers", [4, 5], [1, 1]],
    ["Promising", [3, 4], [1, 1]],
    ["Need Attention", [2, 3], [2, 3]],
    ["About To Sleep", [2, 3], [1, 2]],
    ["At Risk", [1, 2], [2, 5]],
    ["Can't Lose Them", [1, 1], [4, 5]],
    ["Lost", [1, 2], [1, 2]],
  ] as [string, [number, number], [number, number]][]
).map(([name, recency, fm]) => ({ name, recency, frequency: fm, monetary: fm }));

/** The tables the rule editor starts from. */
export const RULE_PRESETS = [
  { key: "standard", label: "Standard (every score combination in one segment)", rules: STANDARD_RULES },
  { key: "rfm-package", label: "R rfm (package default)", rules: RFM_PACKAGE_RULES },
] as const;

/** The preset a rule table is, or null for a table of one's own (ranges compared field by field: saved JSON keeps no key order). */
export function presetOf(rules: readonly SegmentRule[]): (typeof RULE_PRESETS)[number] | null {
  const same = (a: readonly number[], b: readonly number[]) => Array.isArray(a) && a[0] === b[0] && a[1] === b[1];
  return (
    RULE_PRESETS.find(
      (p) =>
        p.rules.length === rules.length &&
        p.rules.every((s, i) => {
          const r = rules[i]!;
          return r.name === s.name && same(r.recency, s.recency) && same(r.frequency, s.frequency) && same(r.monetary, s.monetary);
        }),
    ) ?? null
  );
}

const within = (score: number, [lo, hi]: [number, number]) => score >= lo && score <= hi;

export function matches(rule: SegmentRule, r: number, f: number, m: number): boolean {
  return within(r, rule.recency) && within(f, rule.frequency) && within(m, rule.monetary);
}

/** The segment of each scored customer: the first rule that matches, else "Others". */
export function assignSegments(customers: readonly Pick<RfmScored, "recencyScore" | "frequencyScore" | "monetaryScore">[], rules: readonly SegmentRule[]): string[] {
  return customers.map((c) => rules.find((rule) => matches(rule, c.recencyScore, c.frequencyScore, c.monetaryScore))?.name ?? OTHERS);
}

export interface RuleReport {
  /** Rules that can never match: every score combination they cover is taken by earlier rules. */
  unreachable: { rule: string; coveredBy: string[] }[];
  /** Score combinations (r, f, m) no rule matches: those customers are "Others". */
  uncovered: [number, number, number][];
}

/** Checks a rule table against every score combination of the given bin counts. */
export function analyseRules(rules: readonly SegmentRule[], scores: { recency: number; frequency: number; monetary: number }): RuleReport {
  const winners = new Map<string, Set<string>>(rules.map((r) => [r.name, new Set()]));
  const wins = new Map<string, number>(rules.map((r) => [r.name, 0]));
  const uncovered: [number, number, number][] = [];
  for (let r = 1; r <= scores.recency; r++) {
    for (let f = 1; f <= scores.frequency; f++) {
      for (let m = 1; m <= scores.monetary; m++) {
        const first = rules.find((rule) => matches(rule, r, f, m));
        if (!first) {
          uncovered.push([r, f, m]);
          continue;
        }
        wins.set(first.name, (wins.get(first.name) ?? 0) + 1);
        for (const rule of rules) if (rule !== first && matches(rule, r, f, m)) winners.get(rule.name)!.add(first.name);
      }
    }
  }
  const unreachable = rules.filter((rule) => wins.get(rule.name) === 0).map((rule) => ({ rule: rule.name, coveredBy: [...winners.get(rule.name)!] }));
  return { unreachable, uncovered };
}

export interface SegmentSummary {
  name: string;
  customers: number;
  orders: number;
  revenue: number;
  /** Revenue per order. */
  averageOrderValue: number;
}

/** Customers, orders, revenue and average order value per segment (rfm_segment_summary). */
export function summariseSegments(customers: readonly RfmCustomer[], segments: readonly string[]): SegmentSummary[] {
  const bySegment = new Map<string, SegmentSummary>();
  customers.forEach((c, i) => {
    const name = segments[i]!;
    const s = bySegment.get(name) ?? { name, customers: 0, orders: 0, revenue: 0, averageOrderValue: 0 };
    s.customers++;
    s.orders += c.frequency;
    s.revenue += c.monetary;
    bySegment.set(name, s);
  });
  return [...bySegment.values()].map((s) => ({ ...s, averageOrderValue: s.orders ? s.revenue / s.orders : 0 }));
}
