import type { RepeatSummary } from "./clv";

/**
 * The holdout check of a churn model, and churn rules judged like a
 * classifier (issue 16). Purchases up to a calibration date fit the model;
 * what customers did after it, up to the end, is what the model should have
 * foreseen:
 * - purchases: each customer's predicted repeat purchases in the holdout (the
 *   model's conditional expectation) against the purchase days they made,
 *   added up, per customer (mean absolute error), and week by week (the
 *   "tracking plot" of Fader, Hardie and Lee's papers, cumulated);
 * - churn flags: of the customers a rule flags at the calibration date, how
 *   many did not come back (precision), and of those who did not come back,
 *   how many it flagged (recall).
 * Times are days here; a model's unit is the caller's conversion.
 * Plain data in, plain data out: no framework, no I/O.
 */

/** A customer at the calibration date (days), with what they did after it. */
export interface CalibrationCustomer {
  /** Repeat purchase days by the calibration date. */
  frequency: number;
  /** First to last purchase day by the calibration date. */
  recencyDays: number;
  /** First purchase day to the calibration date. */
  tDays: number;
  /** Purchase days after the calibration date, as days after it, in order. */
  holdoutDays: readonly number[];
}

export interface HoldoutFigures {
  /** Repeat purchase days the customers made in the holdout. */
  actual: number;
  /** Repeat purchase days the model expected. */
  predicted: number;
  /** Mean absolute error per customer. */
  mae: number;
  /** Per holdout week (1 …, the last one maybe shorter), cumulative actual and predicted purchases. */
  tracking: { week: number; actual: number; predicted: number }[];
}

/** The end of each holdout week, in days after the calibration date (the last one: the holdout's end). */
export function weekEnds(holdoutDays: number): number[] {
  const ends: number[] = [];
  for (let d = 7; d < holdoutDays; d += 7) ends.push(d);
  ends.push(holdoutDays);
  return ends;
}

/**
 * A predictor's holdout figures. `forecast(c)` is customer c's forecast:
 * given `days`, the purchases it expects in the first `days` days after the
 * calibration date. Customers with the same (x, t_x, T) share it (asked once
 * per profile, then at each week's end), so a forecast can do its costly
 * part once (a model's P(alive)).
 */
export function holdoutFigures(customers: readonly CalibrationCustomer[], holdoutDays: number, forecast: (c: CalibrationCustomer) => (days: number) => number): HoldoutFigures {
  const ends = weekEnds(holdoutDays);
  const actualByWeek = new Float64Array(ends.length);
  const predictedByWeek = new Float64Array(ends.length);
  const profiles = new Map<string, Float64Array>();
  let absolute = 0;
  for (const c of customers) {
    const key = `${c.frequency}|${c.recencyDays}|${c.tDays}`;
    let curve = profiles.get(key);
    if (!curve) {
      curve = Float64Array.from(ends, forecast(c));
      profiles.set(key, curve);
    }
    for (let w = 0; w < ends.length; w++) predictedByWeek[w]! += curve[w]!;
    let week = 0;
    for (const day of c.holdoutDays) {
      while (week < ends.length - 1 && day > ends[week]!) week++;
      if (day <= holdoutDays) actualByWeek[week]!++;
    }
    const made = c.holdoutDays.filter((d) => d <= holdoutDays).length;
    absolute += Math.abs(curve[ends.length - 1]! - made);
  }
  let cumulative = 0;
  const tracking = ends.map((_, w) => {
    cumulative += actualByWeek[w]!;
    return { week: w + 1, actual: cumulative, predicted: predictedByWeek[w]! };
  });
  return { actual: cumulative, predicted: predictedByWeek[ends.length - 1] ?? 0, mae: customers.length ? absolute / customers.length : 0, tracking };
}

/** The customer's past pace carried on: x repeat purchases over T days, so x/T a day (0 for one-time buyers). The baseline a model must beat. */
export function ownPace(c: CalibrationCustomer): (days: number) => number {
  const perDay = c.tDays > 0 ? c.frequency / c.tDays : 0;
  return (days) => perDay * days;
}

/** A customer's summary at the calibration date in a model's unit (days per unit: 1 or 7). */
export function inModelUnit(c: CalibrationCustomer, daysPerUnit: number): RepeatSummary {
  return { frequency: c.frequency, recency: c.recencyDays / daysPerUnit, T: c.tDays / daysPerUnit };
}

/** A churn rule: flags a customer at a date as gone. */
export type ChurnRule =
  | { kind: "days"; days: number }
  | { kind: "gaps"; times: number }
  | { kind: "p_alive"; model: string; below: number };

/** The rule an analyst knows, and the one every other must beat: no purchase in the last 90 days. */
export const BASELINE_RULE: ChurnRule = { kind: "days", days: 90 };

/** A rule in words, with the model's label for P(alive) rules. */
export function describeRule(rule: ChurnRule, modelLabel: (model: string) => string = (m) => m): string {
  if (rule.kind === "days") return `no purchase in ${rule.days} days`;
  if (rule.kind === "gaps") return `no purchase in ${rule.times} times the customer's typical gap`;
  return `${modelLabel(rule.model)} P(alive) below ${rule.below}`;
}

export const ruleKey = (rule: ChurnRule): string => (rule.kind === "days" ? `days:${rule.days}` : rule.kind === "gaps" ? `gaps:${rule.times}` : `p_alive:${rule.model}:${rule.below}`);

/**
 * A customer's typical gap between purchase days (t_x / x); for one-time
 * buyers, who have none, the median of the repeat customers' (given).
 */
export function typicalGap(c: { frequency: number; recencyDays: number }, medianGap: number): number {
  return c.frequency > 0 ? c.recencyDays / c.frequency : medianGap;
}

/** The median typical gap of the customers who bought again (days); 0 when none did. */
export function medianGap(customers: readonly { frequency: number; recencyDays: number }[]): number {
  const gaps = customers.filter((c) => c.frequency > 0).map((c) => c.recencyDays / c.frequency).sort((a, b) => a - b);
  if (!gaps.length) return 0;
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}

/**
 * Whether a rule flags a customer: days since the last purchase (T − t_x) at
 * least N, or more than N typical gaps, or P(alive) below the threshold.
 */
export function flags(rule: ChurnRule, c: { frequency: number; recencyDays: number; tDays: number }, context: { medianGap: number; pAlive?: number }): boolean {
  const since = c.tDays - c.recencyDays;
  if (rule.kind === "days") return since >= rule.days;
  if (rule.kind === "gaps") return since > rule.times * typicalGap(c, context.medianGap);
  return context.pAlive !== undefined && context.pAlive < rule.below;
}

export interface RuleFigures {
  rule: ChurnRule;
  /** Customers the rule flagged at the calibration date. */
  flagged: number;
  /** Of them, those who made no purchase in the holdout. */
  flaggedGone: number;
  /** Customers who made no purchase in the holdout. */
  gone: number;
  customers: number;
  /** flaggedGone / flagged (null when nobody is flagged). */
  precision: number | null;
  /** flaggedGone / gone (null when everybody came back). */
  recall: number | null;
  /** Harmonic mean of precision and recall (0 when either is 0 or null). */
  f1: number;
}

/** Precision, recall and F1 of a rule's flags against who came back in the holdout. */
export function judgeRule(rule: ChurnRule, customers: readonly CalibrationCustomer[], flagOf: (c: CalibrationCustomer, i: number) => boolean): RuleFigures {
  let flagged = 0;
  let flaggedGone = 0;
  let gone = 0;
  customers.forEach((c, i) => {
    const isGone = c.holdoutDays.length === 0;
    const flag = flagOf(c, i);
    if (isGone) gone++;
    if (flag) flagged++;
    if (flag && isGone) flaggedGone++;
  });
  const precision = flagged ? flaggedGone / flagged : null;
  const recall = gone ? flaggedGone / gone : null;
  const f1 = precision && recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { rule, flagged, flaggedGone, gone, customers: customers.length, precision, recall, f1 };
}

/**
 * The recency rules worth judging on a calibration period of `spanDays`: no
 * purchase in 30 … 365 days (those shorter than the period, 90 always, the
 * baseline), and 2, 3 or 4 times the customer's typical gap.
 */
export function recencyRules(spanDays: number): ChurnRule[] {
  const days = [30, 60, 90, 120, 180, 270, 365].filter((d) => d === 90 || d < spanDays);
  return [...days.map((d): ChurnRule => ({ kind: "days", days: d })), ...[2, 3, 4].map((times): ChurnRule => ({ kind: "gaps", times }))];
}

/** The rule with the best F1 (ties: the first listed, so the simpler); null for an empty list. */
export function bestRule<T extends { f1: number }>(figures: readonly T[]): T | null {
  let best: T | null = null;
  for (const f of figures) if (!best || f.f1 > best.f1 + 1e-12) best = f;
  return best;
}
