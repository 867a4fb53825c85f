import { CLEANING_RULES } from "@/lib/ingest/cleaning";
import { formatDay } from "@/lib/format";
import { FEATURE_LABELS as BUILT_IN_LABELS } from "@/lib/segmentation/features";
import { presetOf, type SegmentRule } from "@/lib/segmentation/rfm";

/** How a run's saved parameters read for people: one place for the runs list, the run page and the form. */
export const METHOD_NAMES: Record<string, string> = { rfm: "RFM", kmeans: "k-means", hierarchical: "Hierarchical (Ward)" };

/** Labels of the built-in features (a customers file's columns go by their own names). */
export const FEATURE_LABELS: Record<string, string> = BUILT_IN_LABELS;

const SHORT_FEATURES: Record<string, string> = {
  recencyDays: "R",
  frequency: "F",
  monetary: "M",
  averageOrderValue: "AOV",
  tenureDays: "tenure",
  products: "products",
  returnRate: "returns",
  age: "age",
};

type Params = Record<string, unknown>;

/** The chosen k: a number, or "auto → 5". */
export function describeK(params: Params): string {
  if (params.k === "auto") return `auto → ${String(params.chosenK ?? "?")}`;
  return params.k === undefined ? "–" : String(params.k);
}

/** Number of segments the method was asked for (k), or null for RFM. */
export function chosenK(params: Params): number | null {
  const k = params.chosenK ?? params.k;
  return typeof k === "number" ? k : null;
}

export function describeBins(params: Params): string {
  const bins = params.bins as Record<string, unknown> | undefined;
  if (!bins) return "–";
  const counts = ["recency", "frequency", "monetary"].map((s) => (Array.isArray(bins[s]) ? `${(bins[s] as unknown[]).length + 1} (breakpoints)` : String(bins[s])));
  return counts.every((c) => c === counts[0]) ? `${counts[0]} bins` : `R ${counts[0]} · F ${counts[1]} · M ${counts[2]} bins`;
}

export function describeRules(params: Params): string {
  const rules = params.rules as SegmentRule[] | undefined;
  if (!rules) return "standard segments";
  const preset = presetOf(rules);
  return preset?.key === "standard" ? "standard segments" : preset ? preset.label : `${rules.length} custom rules`;
}

export function describeFeatures(params: Params, short = false): string {
  const features = (params.features as string[] | undefined) ?? [];
  return features.map((f) => (short ? SHORT_FEATURES[f] : FEATURE_LABELS[f]) ?? f).join(", ");
}

export function describeAnalysisDate(params: Params): string {
  return typeof params.analysisDate === "string" ? formatDay(params.analysisDate) : "the day after the last invoice";
}

export function describeCleaning(params: Params): string {
  const cleaning = (params.cleaning as string[] | undefined) ?? CLEANING_RULES.map((r) => r.key);
  if (cleaning.length === CLEANING_RULES.length) return "every cleaning rule";
  if (cleaning.length === 0) return "no cleaning rule";
  return `cleaning: ${CLEANING_RULES.filter((r) => cleaning.includes(r.key)).map((r) => r.label.toLowerCase()).join(", ")}`;
}

/** One line: what was asked for. */
export function describeParams(method: string, params: Params): string {
  const parts =
    method === "rfm"
      ? [describeBins(params), describeRules(params)]
      : [`k ${describeK(params)}`, describeFeatures(params, true), `seed ${String(params.seed ?? 1)}`];
  const outcome = (params.outcome as { name?: string } | undefined)?.name;
  // A run on a customers file alone has no analysis date or cleaning rules (they are about purchases).
  const when = params.purchases === false ? ["customers file only"] : [`as of ${describeAnalysisDate(params)}`, describeCleaning(params)];
  return [...parts, ...when, ...(outcome ? [`outcome ${outcome}`] : [])].join(" · ");
}

const PARAM_ORDER = ["r", "alpha", "a", "b", "s", "beta"];
const PARAM_SYMBOLS: Record<string, string> = { r: "r", alpha: "α", a: "a", b: "b", s: "s", beta: "β" };
const bigNumber = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });

/** A churn model's parameters as the papers write them, in their order: "r 0.243, α 4.414, a 0.793, b 2.426". */
export function describeModelParams(params: Record<string, number>): string {
  const rank = (k: string) => (PARAM_ORDER.includes(k) ? PARAM_ORDER.indexOf(k) : PARAM_ORDER.length);
  return Object.entries(params)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${PARAM_SYMBOLS[k] ?? k} ${Math.abs(v) >= 1000 ? bigNumber.format(v) : v.toFixed(3)}`)
    .join(", ");
}
