/* eslint-disable max-lines -- one drawing of every cartesian chart kind (bars both ways, lines, points), with its axes. */
/**
 * A chart drawn as plain SVG from its data, for the server's HTML: what the
 * page shows before (or without) JavaScript, until the interactive Recharts
 * version replaces it (components/charts/lazy-chart.tsx). Recharts 3 cannot
 * render its SVG on the server (recharts issues #5997, #6139), so without this
 * every chart is an empty box until the client has hydrated and drawn it.
 *
 * The server does not know the chart's width, only its height (the same as
 * the ResponsiveContainer's). So the plot area is an <svg> as wide as its box
 * (the axes' room is the box's padding, drawn into with overflow: visible),
 * and the marks are drawn in an inner <svg> whose viewBox is 1000 units wide,
 * stretched to the box (preserveAspectRatio="none"; strokes keep their width
 * with vector-effect="non-scaling-stroke", and dots are round-capped strokes
 * of zero length, so they stay round). Text sits outside that stretch: at a
 * percentage of the width (`x="42.5%"`) plus px offsets (dx, dy). Scales and
 * nice ticks come from d3-scale, line paths from d3-shape (Recharts' own
 * dependencies), the colours from palette.ts, the sizes and margins from the
 * chart's Recharts props, so the swap moves little.
 */
import type { ReactNode } from "react";
import { scaleBand, scaleLinear, type ScaleLinear } from "d3-scale";
import { line as linePath } from "d3-shape";
import { wrapLabel } from "./category-tick";
import { AXIS_FONT } from "./tooltip";

const W = 1000;
const GRID = "#e5e7eb";
const AXIS = "#666";
const LEGEND_HEIGHT = 28;

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface ValueAxis {
  /** Fixed domain, or computed from the data (from 0 for bars), made nice. */
  domain?: [number, number];
  ticks?: number[];
  format?: (v: number) => string;
  label?: string;
  /** px the axis takes (Recharts' YAxis width; XAxis height is 30). */
  size?: number;
  /** Whole numbers only on the ticks. */
  integer?: boolean;
  /** The computed domain starts at 0 at most (it does for bars). */
  zero?: boolean;
}

export interface StaticBars {
  name: string;
  colour: string;
  values: (number | null)[];
  /** One colour per category (Recharts <Cell>). */
  colours?: string[];
  opacities?: number[];
  /** Stacked with the other bars of the same stack. */
  stack?: string;
  /** Drawn against the right axis (columns layout). */
  right?: boolean;
  /** Whiskers [low, high] per category. */
  errors?: ([number, number] | null)[];
  /** A label at the end of each bar. */
  label?: (v: number) => string;
}

export interface StaticLine {
  name: string;
  colour: string;
  values: (number | null)[];
  width?: number;
  dash?: string;
  /** Dot radius (0 or absent: no dots). */
  dot?: number;
  /** One dot drawn larger, in another colour (the chosen k). */
  highlight?: { index: number; radius: number; colour: string };
  right?: boolean;
}

export interface StaticPoints {
  name: string;
  colour: string;
  xs: number[];
  ys: number[];
}

export interface StaticChartSpec {
  /** The accessible name: what the chart shows. */
  title: string;
  height: number;
  margin: Margin;
  /** columns: categories along x (vertical bars, lines); rows: categories down y (horizontal bars); xy: numbers on both axes. */
  layout: "columns" | "rows" | "xy";
  /** The category labels (columns, rows), or the x values (xy lines). */
  categories?: string[];
  /** x as numbers (xy): the lines' x per value, and the axis. */
  xs?: number[];
  xAxis?: ValueAxis & { rotate?: boolean; chars?: number };
  /** The value axis (rows: along x). */
  valueAxis: ValueAxis;
  rightAxis?: ValueAxis;
  bars?: StaticBars[];
  lines?: StaticLine[];
  points?: StaticPoints[];
  /** A reference line at a value (rows: vertical; columns/xy: at an x value). */
  reference?: { at: number; colour: string; dash?: string; width?: number; label?: string };
  /** Legend entries above the plot (Recharts <Legend verticalAlign="top">). */
  legend?: { name: string; colour: string }[];
  /** Room left free on each side of a category's bars (0..0.5 of the band), Recharts' barCategoryGap. */
  bandPadding?: number;
}

const nice = (domain: [number, number], integer = false) => {
  const s = scaleLinear().domain(domain).nice(5);
  const ticks = s.ticks(5).filter((t) => !integer || Number.isInteger(t));
  return { scale: s, ticks };
};

function valueScale(axis: ValueAxis, values: number[], fromZero: boolean, range: [number, number]): { scale: ScaleLinear<number, number>; ticks: number[] } {
  let domain = axis.domain;
  if (!domain) {
    const finite = values.filter(Number.isFinite);
    let lo = finite.length ? Math.min(...finite) : 0;
    let hi = finite.length ? Math.max(...finite) : 1;
    if (fromZero || axis.zero) lo = Math.min(0, lo);
    if (hi === lo) hi = lo + 1;
    const n = nice([lo, hi], axis.integer);
    return { scale: n.scale.range(range), ticks: axis.ticks ?? n.ticks };
  }
  const s = scaleLinear().domain(domain).range(range);
  return { scale: s, ticks: axis.ticks ?? s.ticks(5).filter((t) => !axis.integer || Number.isInteger(t)) };
}

const pct = (x: number) => `${((x / W) * 100).toFixed(3)}%`;
const fmt = (axis: ValueAxis) => axis.format ?? ((v: number) => String(v));

/** Categories' labels when there are more than fit: every k-th, the last kept. */
function shownLabels(n: number, max: number): Set<number> {
  const step = Math.max(1, Math.ceil(n / max));
  const shown = new Set<number>();
  for (let i = 0; i < n; i += step) shown.add(i);
  if (n > 1 && !shown.has(n - 1)) {
    shown.delete(n - 1 - ((n - 1) % step));
    shown.add(n - 1);
  }
  return shown;
}

export function StaticChart({ spec }: { spec: StaticChartSpec }) {
  const { margin, layout } = spec;
  const legendHeight = spec.legend?.length ? LEGEND_HEIGHT : 0;
  const rows = layout === "rows";
  const valueSize = spec.valueAxis.size ?? (rows ? 30 : 60);
  const xSize = spec.xAxis?.size ?? (rows ? 60 : 30);
  // Plot box, in px: rows put the category axis on the left and the value axis below.
  const left = margin.left + (rows ? xSize : valueSize);
  const right = margin.right + (spec.rightAxis ? (spec.rightAxis.size ?? 60) : 0);
  const top = margin.top + legendHeight;
  const bottom = margin.bottom + (rows ? valueSize : xSize);
  const plotHeight = Math.max(20, spec.height - top - bottom);
  const categories = spec.categories ?? [];
  const n = layout === "xy" ? (spec.xs?.length ?? 0) : categories.length;

  // The value scale spans the plot's height (columns, xy) or its 1000-unit width (rows).
  const valueRange: [number, number] = rows ? [0, W] : [plotHeight, 0];
  const leftSeries = [...(spec.bars ?? []).filter((b) => !b.right), ...(spec.lines ?? []).filter((l) => !l.right)];
  const stacked = new Map<string, number[]>();
  for (const b of spec.bars ?? [])
    if (b.stack) {
      const sums = stacked.get(b.stack) ?? new Array<number>(n).fill(0);
      b.values.forEach((v, i) => (sums[i]! += v ?? 0));
      stacked.set(b.stack, sums);
    }
  const leftValues = [...leftSeries.flatMap((s) => s.values.filter((v): v is number => v !== null)), ...[...stacked.values()].flat(), ...(spec.bars ?? []).flatMap((b) => (b.errors ?? []).flatMap((e) => e ?? []))];
  if (spec.points) leftValues.push(...spec.points.flatMap((p) => p.ys));
  const hasBars = (spec.bars?.length ?? 0) > 0;
  const value = valueScale(spec.valueAxis, leftValues, hasBars, valueRange);
  const rightSeries = [...(spec.bars ?? []).filter((b) => b.right), ...(spec.lines ?? []).filter((l) => l.right)];
  const rightValue = spec.rightAxis ? valueScale(spec.rightAxis, rightSeries.flatMap((s) => s.values.filter((v): v is number => v !== null)), (spec.bars ?? []).some((b) => b.right), valueRange) : null;
  const scaleOf = (right?: boolean) => (right && rightValue ? rightValue.scale : value.scale);

  // The category (or x) bands, 0..1000 across (columns, xy) or px down (rows); as Recharts, a band's bars
  // leave barCategoryGap (a share of the band, 10% by default) free on each side.
  const slot = scaleBand<number>()
    .domain(Array.from({ length: n }, (_, i) => i))
    .range(rows ? [0, plotHeight] : [0, W]);
  const gap = slot.bandwidth() * (spec.bandPadding ?? 0.1);
  const band = Object.assign((i: number) => slot(i)! + gap, { bandwidth: () => slot.bandwidth() - 2 * gap });
  const xNumber = layout === "xy" ? valueScale(spec.xAxis ?? {}, [...(spec.xs ?? []), ...(spec.points ?? []).flatMap((p) => p.xs)], false, [0, W]) : null;
  const centre = (i: number) => (xNumber ? xNumber.scale(spec.xs![i]!) : slot(i)! + slot.bandwidth() / 2);

  const marks: ReactNode[] = [];
  const texts: ReactNode[] = [];

  // Grid: lines at the value ticks (and at the x ticks for xy charts).
  const grid: string[] = [];
  for (const t of value.ticks) {
    const p = value.scale(t);
    grid.push(rows ? `M${p.toFixed(1)} 0V${plotHeight}` : `M0 ${p.toFixed(1)}H${W}`);
  }
  if (xNumber) for (const t of xNumber.ticks) grid.push(`M${xNumber.scale(t).toFixed(1)} 0V${plotHeight}`);
  marks.push(<path key="grid" d={grid.join("")} stroke={GRID} strokeDasharray="3 3" fill="none" vectorEffect="non-scaling-stroke" />);

  // Bars: grouped side by side within the band, or stacked.
  const bars = spec.bars ?? [];
  const groups: string[] = [];
  for (const b of bars) if (!b.stack || !groups.includes(b.stack)) groups.push(b.stack ?? `#${bars.indexOf(b)}`);
  const groupWidth = band.bandwidth() / Math.max(1, groups.length);
  const offsets = new Map<string, number[]>();
  for (const b of bars) {
    const group = b.stack ?? `#${bars.indexOf(b)}`;
    const g = groups.indexOf(group);
    const scale = scaleOf(b.right);
    const base = offsets.get(group) ?? new Array<number>(n).fill(0);
    offsets.set(group, base);
    const byColour = new Map<string, string[]>();
    b.values.forEach((v, i) => {
      // Nothing to draw for an empty bar (Recharts draws none either).
      if (v === null || !Number.isFinite(v) || v === 0) return;
      const from = b.stack ? base[i]! : 0;
      const to = from + v;
      if (b.stack) base[i] = to;
      const [a, z] = [scale(from), scale(to)];
      const across = band(i) + g * groupWidth;
      const colour = b.colours?.[i] ?? b.colour;
      const key = `${colour}|${b.opacities?.[i] ?? 1}`;
      const d = rows
        ? `M${Math.min(a, z).toFixed(1)} ${across.toFixed(1)}h${Math.abs(z - a).toFixed(1)}v${groupWidth.toFixed(1)}h${(-Math.abs(z - a)).toFixed(1)}z`
        : `M${across.toFixed(1)} ${Math.min(a, z).toFixed(1)}h${groupWidth.toFixed(1)}v${Math.abs(z - a).toFixed(1)}h${(-groupWidth).toFixed(1)}z`;
      byColour.set(key, [...(byColour.get(key) ?? []), d]);
      if (b.label && rows) {
        texts.push(
          <text key={`label-${b.name}-${i}`} x={pct(Math.max(a, z))} y={top + across + groupWidth / 2} dx={4} dy="0.355em" fontSize={11} fill="#374151">
            {b.label(v)}
          </text>,
        );
      }
    });
    for (const [key, parts] of byColour) {
      const [colour, opacity] = key.split("|");
      marks.push(<path key={`bars-${b.name}-${key}`} d={parts.join("")} fill={colour} fillOpacity={Number(opacity) < 1 ? Number(opacity) : undefined} data-series={b.name} data-bars="" />);
    }
    if (b.errors) {
      let d = "";
      b.errors.forEach((e, i) => {
        if (!e) return;
        const [lo, hi] = [scale(e[0]), scale(e[1])];
        const c = band(i) + g * groupWidth + groupWidth / 2;
        d += rows ? `M${lo.toFixed(1)} ${c.toFixed(1)}H${hi.toFixed(1)}M${lo.toFixed(1)} ${(c - 3).toFixed(1)}v6M${hi.toFixed(1)} ${(c - 3).toFixed(1)}v6` : `M${c.toFixed(1)} ${lo.toFixed(1)}V${hi.toFixed(1)}`;
      });
      marks.push(<path key={`errors-${b.name}`} d={d} stroke="#1c2233" strokeWidth={1.5} fill="none" vectorEffect="non-scaling-stroke" />);
    }
  }

  // Lines, and their dots as zero-length round-capped strokes (round however the plot is stretched).
  for (const l of spec.lines ?? []) {
    const scale = scaleOf(l.right);
    const pts = l.values.map((v, i) => [centre(i), v === null ? null : scale(v)] as const);
    const d = linePath<(typeof pts)[number]>()
      .defined((p) => p[1] !== null && Number.isFinite(p[1]))
      .x((p) => p[0])
      .y((p) => p[1]!)(pts);
    marks.push(<path key={`line-${l.name}`} d={d ?? ""} stroke={l.colour} strokeWidth={l.width ?? 2} strokeDasharray={l.dash} fill="none" vectorEffect="non-scaling-stroke" data-series={l.name} />);
    if (l.dot) {
      const dots = pts.filter((p, i) => p[1] !== null && i !== l.highlight?.index).map((p) => `M${p[0].toFixed(1)} ${p[1]!.toFixed(1)}h0`);
      marks.push(<path key={`dots-${l.name}`} d={dots.join("")} stroke={l.colour} strokeWidth={l.dot * 2} strokeLinecap="round" fill="none" vectorEffect="non-scaling-stroke" />);
    }
    const h = l.highlight;
    if (h && pts[h.index]?.[1] != null) {
      const p = pts[h.index]!;
      marks.push(<path key={`highlight-${l.name}`} d={`M${p[0].toFixed(1)} ${p[1]!.toFixed(1)}h0`} stroke={h.colour} strokeWidth={h.radius * 2} strokeLinecap="round" vectorEffect="non-scaling-stroke" />);
    }
  }

  // Points: one path per series (a sample, see the caller).
  for (const p of spec.points ?? []) {
    if (!xNumber) break;
    let d = "";
    for (let i = 0; i < p.xs.length; i++) d += `M${xNumber.scale(p.xs[i]!).toFixed(1)} ${value.scale(p.ys[i]!).toFixed(1)}h0`;
    marks.push(<path key={`points-${p.name}`} d={d} stroke={p.colour} strokeOpacity={0.6} strokeWidth={5} strokeLinecap="round" fill="none" vectorEffect="non-scaling-stroke" data-series={p.name} />);
  }

  // The reference line.
  const ref = spec.reference;
  if (ref) {
    const at = rows ? value.scale(ref.at) : xNumber ? xNumber.scale(ref.at) : centre(ref.at);
    marks.push(<path key="reference" d={`M${at.toFixed(1)} 0V${plotHeight}`} stroke={ref.colour} strokeWidth={ref.width ?? 1.5} strokeDasharray={ref.dash} fill="none" vectorEffect="non-scaling-stroke" />);
    if (ref.label)
      texts.push(
        <text key="reference-label" x={pct(at)} y={top} dy={-4} textAnchor="middle" fontSize={AXIS_FONT} fill={ref.colour}>
          {ref.label}
        </text>,
      );
  }

  // The value axis: ticks down the left (columns, xy) or along the bottom (rows), and its title.
  const vFormat = fmt(spec.valueAxis);
  for (const [j, t] of value.ticks.entries()) {
    const p = value.scale(t);
    texts.push(
      rows ? (
        <text key={`v-${t}`} x={pct(p)} y={top + plotHeight} dy={16} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS} className={j % 2 === 1 && value.ticks.length > 4 ? "wide-only" : undefined}>
          {vFormat(t)}
        </text>
      ) : (
        <text key={`v-${t}`} x={0} y={top + p} dx={-8} dy="0.355em" textAnchor="end" fontSize={AXIS_FONT} fill={AXIS}>
          {vFormat(t)}
        </text>
      ),
    );
  }
  if (spec.valueAxis.label)
    texts.push(
      rows ? (
        <text key="v-label" x="50%" y={top + plotHeight + valueSize + Math.min(14, margin.bottom)} dy={-2} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
          {spec.valueAxis.label}
        </text>
      ) : (
        <text key="v-label" transform={`translate(${12 - valueSize} ${top + plotHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
          {spec.valueAxis.label}
        </text>
      ),
    );
  if (rightValue && spec.rightAxis) {
    const rFormat = fmt(spec.rightAxis);
    for (const t of rightValue.ticks)
      texts.push(
        <text key={`r-${t}`} x="100%" y={top + rightValue.scale(t)} dx={8} dy="0.355em" textAnchor="start" fontSize={AXIS_FONT} fill={AXIS}>
          {rFormat(t)}
        </text>,
      );
    if (spec.rightAxis.label)
      texts.push(
        <svg key="r-label" x="100%" y={top + plotHeight / 2} overflow="visible">
          <text transform={`translate(${(spec.rightAxis.size ?? 60) - 12} 0) rotate(90)`} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
            {spec.rightAxis.label}
          </text>
        </svg>,
      );
  }

  // The category (or x) axis.
  const xAxis = spec.xAxis ?? {};
  if (rows) {
    for (let i = 0; i < n; i++) {
      const full = categories[i] ?? "";
      const parts = wrapLabel(full, xAxis.chars ?? 18, 2, xSize - 12);
      const first = 0.355 - (parts.length - 1) * 0.575;
      texts.push(
        <text key={`c-${i}`} x={0} y={top + band(i) + band.bandwidth() / 2} textAnchor="end" fontSize={AXIS_FONT} fill={AXIS}>
          <title>{full}</title>
          {parts.map((part, j) => (
            <tspan key={j} x={0} dx={-8} dy={`${j === 0 ? first : 1.15}em`}>
              {j === 0 ? part : ` ${part}`}
            </tspan>
          ))}
        </text>,
      );
    }
  } else if (xNumber) {
    const xFormat = fmt(xAxis);
    for (const t of xNumber.ticks)
      texts.push(
        <text key={`x-${t}`} x={pct(xNumber.scale(t))} y={top + plotHeight} dy={16} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
          {xFormat(t)}
        </text>,
      );
  } else {
    const shown = shownLabels(n, xAxis.rotate ? 30 : 12);
    const narrow = shownLabels(n, xAxis.rotate ? 12 : 4);
    for (const i of shown) {
      const label = categories[i] ?? "";
      const c = pct(centre(i));
      // Labels dropped on a phone's width (CSS: .static-chart .wide-only).
      const cls = narrow.has(i) ? undefined : "wide-only";
      texts.push(
        xAxis.rotate ? (
          <svg key={`x-${i}`} x={c} y={top + plotHeight + 6} overflow="visible" className={cls}>
            <text transform="rotate(-40)" textAnchor="end" dy="0.71em" fontSize={AXIS_FONT} fill={AXIS}>
              {label}
            </text>
          </svg>
        ) : (
          <text key={`x-${i}`} x={c} y={top + plotHeight} dy={16} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS} className={cls}>
            {label}
          </text>
        ),
      );
    }
  }
  if (xAxis.label && !rows)
    texts.push(
      <text key="x-label" x="50%" y={top + plotHeight + xSize + Math.min(16, margin.bottom)} dy={-2} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
        {xAxis.label}
      </text>,
    );

  return (
    <div className="static-chart" data-static-chart style={{ height: spec.height, paddingLeft: left, paddingRight: right }}>
      {spec.legend?.length ? (
        <ul className="legend static-chart-legend" style={{ top: margin.top, height: LEGEND_HEIGHT }}>
          {spec.legend.map((e) => (
            <li key={e.name}>
              <span className="swatch" style={{ background: e.colour }} aria-hidden="true" />
              {e.name}
            </li>
          ))}
        </ul>
      ) : null}
      <svg role="img" aria-label={spec.title} width="100%" height={spec.height} overflow="visible" className="static-chart-svg">
        <title>{spec.title}</title>
        <svg y={top} width="100%" height={plotHeight} viewBox={`0 0 ${W} ${plotHeight}`} preserveAspectRatio="none" overflow="visible">
          {marks}
        </svg>
        <path d={`M0 ${top}V${top + plotHeight}`} stroke={AXIS} />
        <line x1={0} x2="100%" y1={top + plotHeight} y2={top + plotHeight} stroke={AXIS} />
        {texts}
      </svg>
    </div>
  );
}
