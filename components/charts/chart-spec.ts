/**
 * One description of a cartesian chart or a treemap, drawn twice from it: as a
 * static SVG in the server's HTML (static-chart.tsx, static-treemap.tsx) and
 * as the interactive Recharts chart that replaces it (recharts-from-spec.tsx).
 * A chart component says here, once, what it shows: its data, its series (the
 * datum's field, name and colour of each bar, line or set of points), its
 * axes (which field, size, format, domain, label), its margins and legend.
 * The value axes' domain and ticks are computed here (resolveAxes), so both
 * drawings show the same ticks and the axis does not move at the swap.
 * What only the interactive chart has (tooltip, custom layers) rides along
 * and the static drawing ignores it.
 */
import type { ComponentProps } from "react";
import { scaleLinear } from "d3-scale";
import type { Tooltip } from "recharts";

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** A datum's number: the name of its field (Recharts' dataKey) or a function of it. */
export type Value<T> = (keyof T & string) | ((d: T) => number | null);

export const valueOf = <T>(value: Value<T>, d: T): number | null => {
  const v = typeof value === "function" ? value(d) : (d[value] as unknown);
  return typeof v === "number" ? v : null;
};

export interface Axis {
  label?: string;
  /** px from the axis's edge to its title (Recharts' label offset; x: below the axis, negative). */
  labelOffset?: number;
  /** px the axis takes: a y axis's width, an x axis's height. */
  size?: number;
  format?: (v: number) => string;
  /** Fixed domain; otherwise the data's (from 0 for bars and `zero`), widened to nice ticks. */
  domain?: [number, number];
  ticks?: number[];
  /** Whole numbers only on the ticks. */
  integer?: boolean;
  zero?: boolean;
}

/** The category axis (columns: along x; rows: down y), or the x numbers of an xy chart. */
export interface XAxisSpec<T> extends Omit<Axis, "format"> {
  /** The datum's field: its category (columns, rows) or its x (xy lines). */
  key?: keyof T & string;
  /** A category's label (or an xy tick's text). */
  format?: (v: never) => string;
  /** Labels slanted 40° (long bin labels). */
  rotate?: boolean;
  /** Characters on a row's label line (rows: wrapped onto two lines). */
  chars?: number;
  /** Labels may be skipped where they crowd, keeping the first and last, this many px apart at least; absent: every label. */
  minTickGap?: number;
}

export interface BarSeries<T> {
  value: Value<T>;
  name: string;
  colour: string;
  /** One colour per datum (Recharts <Cell>). */
  colourOf?: (d: T) => string;
  /** One fill opacity per datum. */
  opacityOf?: (d: T) => number;
  /** Stacked with the other bars of the same stack. */
  stack?: string;
  /** Against the right axis (columns). */
  right?: boolean;
  /** A whisker [low, high] per datum (an interval). */
  whisker?: (d: T) => [number, number];
  /** A label at the end of each bar (rows). */
  label?: (v: number) => string;
}

export interface LineSeries<T> {
  value: Value<T>;
  name: string;
  colour: string;
  width?: number;
  dash?: string;
  /** Dot radius (absent: no dots). */
  dot?: number;
  /** The datum whose dot is drawn larger, in another colour (the chosen k). */
  highlight?: { when: (d: T) => boolean; radius: number; colour: string };
  right?: boolean;
}

/** Points of an xy chart, drawn by the static drawing (the interactive chart draws them in a layer of its own). */
export interface PointSeries {
  name: string;
  colour: string;
  xs: number[];
  ys: number[];
}

export interface LegendSpec {
  height?: number;
  fontSize?: number;
  /** Recharts' icon size (px). */
  iconSize?: number;
  /** Square icons whatever the series (Recharts draws a line's as a line). */
  square?: boolean;
}

export interface ChartSpec<T> {
  /** The accessible name: what the chart shows. */
  title: string;
  height: number;
  margin: Margin;
  /** columns: categories along x (vertical bars, lines); rows: categories down y (horizontal bars); xy: numbers on both axes. */
  layout: "columns" | "rows" | "xy";
  data: T[];
  x: XAxisSpec<T>;
  /** The value axis (rows: along x). */
  y: Axis;
  /** A second value axis on the right (columns). */
  right?: Axis;
  bars?: BarSeries<T>[];
  lines?: LineSeries<T>[];
  points?: PointSeries[];
  /** A line at a value (rows: vertical; xy: at an x). */
  reference?: { at: number; colour: string; dash?: string; width?: number; label?: string };
  /** A legend above the plot, one entry per series, in their order. */
  legend?: LegendSpec;
  /** Room left free on each side of a category's bars: a share of the band (`"16%"`), or px (the static drawing assumes a NOMINAL_WIDTH-px plot). Recharts' barCategoryGap. */
  categoryGap?: number | `${number}%`;
  /** px between the bars of one category (Recharts' barGap; the static drawing puts none). */
  barGap?: number;
  /** The interactive chart's tooltip (Recharts <Tooltip> props). */
  tooltip?: ComponentProps<typeof Tooltip>;
}

export interface TreemapSpec<T> {
  title: string;
  height: number;
  data: T[];
  /** The field sized by area. */
  value: keyof T & string;
  name: (d: T) => string;
  colour: (d: T) => string;
  /** A second line under the name (the share). */
  note?: (d: T) => string;
  tooltip?: ComponentProps<typeof Tooltip>;
}

/** The plot's width the static drawing assumes where it needs px (a chart card on a laptop's screen). */
export const NOMINAL_WIDTH = 640;

/** The label's colour on a tile of this colour: dark on the palette's light colours. */
export const onTile = (colour: string) => (["#F0E442", "#56B4E9", "#E69F00", "#999999", "#44AA99"].includes(colour) ? "#111827" : "#fff");

/** A tile's name cut to its width in px (about 7.6 px a character at 12 px, bold). */
export function tileText(name: string, width: number): string {
  const chars = Math.floor((width - 12) / 7.6);
  return name.length > chars ? `${name.slice(0, Math.max(chars - 1, 1))}…` : name;
}

/** The legend's entries: every series, in its order. */
export function legendEntries<T>(spec: ChartSpec<T>): { name: string; colour: string }[] {
  return [...(spec.bars ?? []), ...(spec.lines ?? [])].map((s) => ({ name: s.name, colour: s.colour }));
}

export interface ResolvedAxis {
  domain: [number, number];
  ticks: number[];
}

/** An axis's domain and ticks: fixed ones as given, else the values' extent made nice (d3's nice ticks, 5 or so). */
export function resolveAxis(axis: Omit<Axis, "format">, values: number[], fromZero: boolean): ResolvedAxis {
  const whole = (ticks: number[]) => ticks.filter((t) => !axis.integer || Number.isInteger(t));
  if (axis.domain) return { domain: axis.domain, ticks: axis.ticks ?? whole(scaleLinear().domain(axis.domain).ticks(5)) };
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (fromZero || axis.zero) lo = Math.min(0, lo);
  if (hi === lo) hi = lo + 1;
  const s = scaleLinear().domain([lo, hi]).nice(5);
  const [a, b] = s.domain() as [number, number];
  return { domain: [a, b], ticks: axis.ticks ?? whole(s.ticks(5)) };
}

/** Each series' values, datum by datum. */
export const seriesValues = <T>(spec: ChartSpec<T>, value: Value<T>) => spec.data.map((d) => valueOf(value, d));

/** The value axes' (and an xy chart's x axis's) domains and ticks, the same for both drawings. */
export function resolveAxes<T>(spec: ChartSpec<T>): { y: ResolvedAxis; right: ResolvedAxis | null; x: ResolvedAxis | null } {
  const n = spec.data.length;
  const bars = spec.bars ?? [];
  const lines = spec.lines ?? [];
  const numbers = (vs: (number | null)[]) => vs.filter((v): v is number => v !== null);
  const on = (right: boolean) => {
    const out: number[] = [];
    for (const s of [...bars, ...lines]) if (Boolean(s.right) === right && !("stack" in s && s.stack)) out.push(...numbers(seriesValues(spec, s.value)));
    // A stack's extent is its sums.
    const stacks = new Map<string, number[]>();
    for (const b of bars)
      if (b.stack && Boolean(b.right) === right) {
        const sums = stacks.get(b.stack) ?? new Array<number>(n).fill(0);
        seriesValues(spec, b.value).forEach((v, i) => (sums[i]! += v ?? 0));
        stacks.set(b.stack, sums);
      }
    out.push(...[...stacks.values()].flat());
    for (const b of bars) if (b.whisker && Boolean(b.right) === right) out.push(...spec.data.flatMap((d) => b.whisker!(d)));
    if (!right) out.push(...(spec.points ?? []).flatMap((p) => p.ys));
    return out;
  };
  const y = resolveAxis(spec.y, on(false), bars.some((b) => !b.right));
  const right = spec.right ? resolveAxis(spec.right, on(true), bars.some((b) => b.right)) : null;
  const key = spec.x.key;
  const xs = spec.layout === "xy" ? [...(key ? spec.data.map((d) => Number(d[key])) : []), ...(spec.points ?? []).flatMap((p) => p.xs)] : null;
  const x = xs ? resolveAxis(spec.x, xs, false) : null;
  return { y, right, x };
}

/** A category's label on the axis, as both drawings write it. */
export function categoryLabel<T>(spec: ChartSpec<T>, d: T): string {
  const raw = spec.x.key ? d[spec.x.key] : "";
  return spec.x.format ? spec.x.format(raw as never) : String(raw ?? "");
}

/** A country's row: the countries past the top ones are folded into one "Other" row, which counts them. */
export interface CountryDatum {
  country: string;
  countries: number;
}

/** A country's name on its row's axis label: "Other (12)" for the folded row. */
export const countryLabel = (c: CountryDatum) => (c.country === "Other" ? `Other (${c.countries})` : c.country);
/** A country's name as a tooltip's title: "Other: 12 countries" for the folded row. */
export const countryTitle = (c: CountryDatum) => (c.country === "Other" ? `Other: ${c.countries} countries` : c.country);

/**
 * The settings every "by country" chart shares: one row a country (horizontal
 * bars) labelled with countryLabel, as tall as its rows (`rowHeight` px each)
 * plus room for the value axis, and for the legend if it has one (two or more series).
 * `labelWidth`/`chars`: the label column's px and characters a line; `right`: px
 * right of the plot (room for the bars' end labels).
 */
export function countryRows<T extends CountryDatum>(
  rows: T[],
  { rowHeight, legend = false, labelWidth = 112, chars = 16, right = 16 }: { rowHeight: number; legend?: boolean; labelWidth?: number; chars?: number; right?: number },
): Pick<ChartSpec<T & { label: string }>, "height" | "margin" | "layout" | "data" | "x" | "legend"> {
  return {
    height: legend ? Math.max(220, rows.length * rowHeight + 90) : Math.max(200, rows.length * rowHeight + 60),
    margin: { top: 4, right, bottom: 20, left: 4 },
    layout: "rows",
    data: rows.map((c) => ({ ...c, label: countryLabel(c) })),
    x: { key: "label", size: labelWidth, chars },
    ...(legend ? { legend: {} } : {}),
  };
}
