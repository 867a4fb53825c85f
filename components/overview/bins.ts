import { formatCompact, formatInteger, formatMoney } from "@/lib/format";

/** How a histogram's edges read: money (decimals), whole counts, days or years. */
export type BinKind = "money" | "count" | "days" | "years";

export interface BinEdges {
  lower: number | null;
  upper: number | null;
}

const edge = (n: number, kind: BinKind) => (kind === "money" ? (n >= 1000 ? formatCompact(n) : String(n)) : formatInteger(n));

/** Short label of a bin [lower, upper) for an axis: `1k–1.5k`, `3–5`, `≥ 40`, `< 6`, `1`. */
export function binLabel({ lower, upper }: BinEdges, kind: BinKind): string {
  if (lower === null && upper === null) return "Unknown";
  const whole = kind !== "money";
  if (lower === null) return `< ${edge(upper!, kind)}`;
  if (upper === null) return whole ? `${edge(lower, kind)}+` : `≥ ${edge(lower, kind)}`;
  if (whole) return upper - lower === 1 ? edge(lower, kind) : `${edge(lower, kind)}–${edge(upper - 1, kind)}`;
  return `${edge(lower, kind)}–${edge(upper, kind)}`;
}

const UNITS: Record<Exclude<BinKind, "money">, [one: string, many: string]> = {
  count: ["", ""],
  days: ["day", "days"],
  years: ["year", "years"],
};

/** The bin's exact edges in words, for the tooltip. */
export function binEdgesText({ lower, upper }: BinEdges, kind: BinKind, unit?: [one: string, many: string]): string {
  if (lower === null && upper === null) return "no value given";
  if (kind === "money") {
    if (lower === null) return `under ${formatMoney(upper!)}`;
    if (upper === null) return `${formatMoney(lower)} or more`;
    return `${formatMoney(lower)} to under ${formatMoney(upper)}`;
  }
  const [one, many] = unit ?? UNITS[kind];
  const u = (n: number) => (n === 1 ? one : many);
  const n = (x: number) => `${formatInteger(x)}${u(x) ? ` ${u(x)}` : ""}`;
  if (lower === null) return `under ${n(upper!)}`;
  if (upper === null) return `${n(lower)} or more`;
  if (upper - lower === 1) return `exactly ${n(lower)}`;
  return `${formatInteger(lower)} to ${n(upper - 1)} (under ${formatInteger(upper)})`;
}
