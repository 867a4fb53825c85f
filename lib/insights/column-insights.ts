import type { InsightGroup } from "./insights";

/**
 * Plain bullets about segments from a customers file's columns (what a run
 * clustered on: segment-columns.sql) and an outcome column such as Churn
 * (segment-outcomes.sql): each segment's outcome rate with its 95% interval
 * and lift, said to differ from the base only when the interval excludes the
 * base rate, and the columns that set the segment apart. Pure: rows in,
 * sentences out; each bullet names its query.
 */
export interface ColumnRow {
  segmentNo: number | null;
  name: string;
  kind: "number" | "date" | "category" | "yes_no";
  value: string | null;
  customers: number;
  mean: number | null;
  meanDate: string | null;
  share: number | null;
  baseMean: number | null;
  baseMeanDate: string | null;
  baseShare: number | null;
  difference: number | null;
  lift: number | null;
}

export interface OutcomeRow {
  segmentNo: number | null;
  value: string;
  customers: number;
  known: number | null;
  rate: number;
  rateLow: number | null;
  rateHigh: number | null;
  baseRate: number;
  lift: number | null;
}

export interface SegmentRef {
  no: number;
  name: string;
  customers: number;
}

const COLUMNS = "segment-columns";
const OUTCOMES = "segment-outcomes";
const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const percent = (share: number | null) => (share === null ? "–" : `${share < 0.1 && share > 0 ? (share * 100).toFixed(1) : Math.round(share * 100)}%`);
const times = (lift: number) => `${lift >= 10 ? Math.round(lift) : lift.toFixed(1)}×`;
const number = (x: number) => (Math.abs(x) >= 100 ? integer.format(Math.round(x)) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Whether a rate differs from the base's beyond doubt: its 95% interval leaves the base rate out. */
export const clearlyDifferent = (r: { rateLow: number | null; rateHigh: number | null; baseRate: number }) =>
  r.rateLow !== null && r.rateHigh !== null && (r.rateLow > r.baseRate || r.rateHigh < r.baseRate);

/** The value an outcome's rate is about: "yes" for yes/no, else the value over-represented most in the segment. */
function outcomeOf(rows: readonly OutcomeRow[], segmentNo: number | null, kind: "yes_no" | "category"): OutcomeRow | undefined {
  const mine = rows.filter((r) => r.segmentNo === segmentNo);
  if (kind === "yes_no") return mine.find((r) => r.value === "yes");
  return [...mine].sort((a, b) => (b.lift ?? 0) - (a.lift ?? 0))[0];
}

function outcomeText(column: string, kind: "yes_no" | "category", r: OutcomeRow): string {
  const what = kind === "yes_no" ? `${column}: yes for ${percent(r.rate)}` : `${column} is “${r.value}” for ${percent(r.rate)}`;
  const interval = r.rateLow !== null && r.rateHigh !== null ? ` (95% interval ${percent(r.rateLow)}–${percent(r.rateHigh)})` : "";
  const clear = r.rateLow !== null && r.rateHigh !== null && (r.rateLow > r.baseRate || r.rateHigh < r.baseRate);
  const against = r.lift === null ? "" : `, ${times(r.lift)} the base's ${percent(r.baseRate)}`;
  return `${what}${interval}${against}${clear ? "" : ": not clearly different from the base"}.`;
}

/** How a segment differs on the columns, strongest first: "tenure 15.2 on average against 32.4 (−0.7 sd)", "Contract “Month-to-month”: 89% against 55% (1.6×)". */
function differences(rows: readonly ColumnRow[], segmentNo: number): string[] {
  const items: { weight: number; text: string }[] = [];
  for (const r of rows) {
    if (r.segmentNo !== segmentNo) continue;
    if (r.kind === "number" && r.difference !== null && r.mean !== null && r.baseMean !== null && Math.abs(r.difference) >= 0.5) {
      items.push({ weight: Math.abs(r.difference), text: `${r.name} ${number(r.mean)} on average against ${number(r.baseMean)} for all (${r.difference > 0 ? "+" : "−"}${Math.abs(r.difference).toFixed(1)} sd)` });
    }
    if ((r.kind === "category" || r.kind === "yes_no") && r.lift !== null && r.share !== null && r.lift >= 1.3 && r.share >= 0.2) {
      const label = r.kind === "yes_no" ? `${r.name}: ${r.value}` : `${r.name} “${r.value}”`;
      items.push({ weight: Math.log(r.lift) * 2, text: `${label}: ${percent(r.share)} against ${percent(r.baseShare)} for all (${times(r.lift)})` });
    }
  }
  return items.sort((a, b) => b.weight - a.weight).slice(0, 3).map((i) => i.text);
}

/**
 * Insight groups of a run on a customers file's columns (or of a run on purchases that also has an outcome:
 * pass the groups buildInsights made as `groups` and the outcome's bullets are added to them).
 */
export function columnInsights(
  segments: readonly SegmentRef[],
  columns: readonly ColumnRow[],
  outcomes: readonly OutcomeRow[],
  outcome: { name: string; kind: "yes_no" | "category" } | null,
  groups: InsightGroup[] | null = null,
  /** An RFM run on a customers file's recency, frequency and spend columns (they scored it, not clustered it). */
  scored = false,
): InsightGroup[] {
  const total = segments.reduce((s, x) => s + x.customers, 0);
  const filled = segments.filter((s) => s.customers > 0);
  const out: InsightGroup[] = groups ? groups.map((g) => ({ ...g, bullets: [...g.bullets] })) : [{ segmentNo: null, title: "All customers", action: null, bullets: [] }];
  const group = (no: number | null, title: string) => {
    let g = out.find((x) => x.segmentNo === no);
    if (!g) out.push((g = { segmentNo: no, title, action: null, bullets: [] }));
    return g;
  };
  const overall = group(null, "All customers");
  if (!groups) {
    const names = [...new Set(columns.map((c) => c.name))];
    const largest = [...filled].sort((a, b) => b.customers - a.customers)[0];
    overall.bullets.push({
      text: `${integer.format(total)} customers in ${filled.length} segments${names.length ? `, ${scored ? "scored on" : "told apart by"} ${names.join(", ")}` : ""}${largest ? `; the largest is ${largest.name} (${percent(largest.customers / total)})` : ""}.`,
      query: COLUMNS,
    });
  }
  if (outcome) {
    const base = outcomeOf(outcomes, null, outcome.kind);
    if (base && outcome.kind === "yes_no") {
      overall.bullets.push({ text: `${outcome.name}: yes for ${percent(base.rate)} of all customers (${integer.format(base.customers)} of ${integer.format(base.known ?? 0)}).`, query: OUTCOMES });
    }
    const rated = filled.map((s) => ({ s, r: outcomeOf(outcomes, s.no, outcome.kind) })).filter((x): x is { s: SegmentRef; r: OutcomeRow } => !!x.r && x.r.known !== null && x.r.known > 0);
    const ranked = [...rated].sort((a, b) => b.r.rate - a.r.rate);
    const high = ranked[0];
    const low = ranked.at(-1);
    if (outcome.kind === "yes_no" && high && low && high !== low) {
      overall.bullets.push({
        text: `${high.s.name} have the highest rate, ${percent(high.r.rate)} (${times(high.r.lift ?? 1)} the base); ${low.s.name} the lowest, ${percent(low.r.rate)} (${times(low.r.lift ?? 1)}).`,
        query: OUTCOMES,
      });
    }
    for (const { s, r } of rated) group(s.no, s.name).bullets.push({ text: outcomeText(outcome.name, outcome.kind, r), query: OUTCOMES });
  }
  if (!groups) {
    for (const s of filled) {
      const g = group(s.no, s.name);
      const diffs = differences(columns, s.no);
      g.bullets.unshift({ text: `${s.name} are ${percent(s.customers / total)} of customers (${integer.format(s.customers)}).`, query: COLUMNS });
      g.bullets.splice(1, 0, diffs.length ? { text: `Set apart by: ${diffs.join("; ")}.`, query: COLUMNS } : { text: "They look like the whole base on every column.", query: COLUMNS });
    }
  }
  return out;
}

