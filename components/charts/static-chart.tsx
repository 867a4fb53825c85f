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
 * dependencies). What is drawn, with which colours, sizes, margins and ticks,
 * comes from the chart's one description (chart-spec.ts), which the Recharts
 * chart is drawn from too (recharts-from-spec.tsx), so the swap moves little.
 */
import type { ReactNode } from "react";
import { scaleBand, scaleLinear } from "d3-scale";
import { line as linePath } from "d3-shape";
import { wrapLabel } from "./category-tick";
import { AXIS_FONT } from "./tooltip";
import { categoryLabel, legendEntries, NOMINAL_WIDTH, resolveAxes, seriesValues, type BarSeries, type ChartSpec, type LineSeries } from "./chart-spec";

const W = 1000;
const GRID = "#e5e7eb";
const AXIS = "#666";
const LEGEND_HEIGHT = 28;

/** A series as the drawing needs it: its values (and colours, opacities, whiskers), datum by datum. */
type Bars = Pick<BarSeries<unknown>, "name" | "colour" | "stack" | "right" | "label"> & { values: (number | null)[]; colours?: string[]; opacities?: number[]; errors?: [number, number][] };
type Line = Omit<LineSeries<unknown>, "value" | "highlight"> & { values: (number | null)[]; highlight?: { index: number; radius: number; colour: string } };

const pct = (x: number) => `${((x / W) * 100).toFixed(3)}%`;
const fmt = (format?: (v: number) => string) => format ?? ((v: number) => String(v));

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

/** The band's share left free on each side of its bars: Recharts' barCategoryGap, px taken of a NOMINAL_WIDTH-px plot. */
function bandPadding(gap: ChartSpec<unknown>["categoryGap"], n: number, rows: boolean, plotHeight: number): number {
  if (gap === undefined) return 0.1;
  if (typeof gap === "string") return Number.parseFloat(gap) / 100;
  const band = (rows ? plotHeight : NOMINAL_WIDTH) / Math.max(1, n);
  return Math.min(0.45, gap / band);
}

export function StaticChart<T>({ spec }: { spec: ChartSpec<T> }) {
  const { margin, layout, data } = spec;
  const legend = spec.legend ? legendEntries(spec) : [];
  const legendHeight = spec.legend ? (spec.legend.height ?? LEGEND_HEIGHT) : 0;
  const rows = layout === "rows";
  const valueSize = spec.y.size ?? (rows ? 30 : 60);
  const xSize = spec.x.size ?? (rows ? 60 : 30);
  // Plot box, in px: rows put the category axis on the left and the value axis below.
  const left = margin.left + (rows ? xSize : valueSize);
  const right = margin.right + (spec.right ? (spec.right.size ?? 60) : 0);
  const top = margin.top + legendHeight;
  const bottom = margin.bottom + (rows ? valueSize : xSize);
  const plotHeight = Math.max(20, spec.height - top - bottom);
  const categories = layout === "xy" ? [] : data.map((d) => categoryLabel(spec, d));
  const xKey = spec.x.key;
  const xs = layout === "xy" && xKey ? data.map((d) => Number(d[xKey])) : [];
  const n = layout === "xy" ? xs.length : categories.length;
  const bars: Bars[] = (spec.bars ?? []).map((b) => ({
    name: b.name,
    colour: b.colour,
    stack: b.stack,
    right: b.right,
    label: b.label,
    values: seriesValues(spec, b.value),
    colours: b.colourOf && data.map(b.colourOf),
    opacities: b.opacityOf && data.map(b.opacityOf),
    errors: b.whisker && data.map(b.whisker),
  }));
  const lines: Line[] = (spec.lines ?? []).map((l) => ({
    ...l,
    values: seriesValues(spec, l.value),
    highlight: l.highlight && { ...l.highlight, index: data.findIndex(l.highlight.when) },
  }));

  // The value scales span the plot's height (columns, xy) or its 1000-unit width (rows), over the domains both drawings use.
  const axes = resolveAxes(spec);
  const valueRange: [number, number] = rows ? [0, W] : [plotHeight, 0];
  const value = { scale: scaleLinear().domain(axes.y.domain).range(valueRange), ticks: axes.y.ticks };
  const rightValue = axes.right ? { scale: scaleLinear().domain(axes.right.domain).range(valueRange), ticks: axes.right.ticks } : null;
  const scaleOf = (right?: boolean) => (right && rightValue ? rightValue.scale : value.scale);

  // The category (or x) bands, 0..1000 across (columns, xy) or px down (rows); as Recharts, a band's bars
  // leave barCategoryGap (a share of the band, 10% by default) free on each side.
  const slot = scaleBand<number>()
    .domain(Array.from({ length: n }, (_, i) => i))
    .range(rows ? [0, plotHeight] : [0, W]);
  const gap = slot.bandwidth() * bandPadding(spec.categoryGap, n, rows, plotHeight);
  const band = Object.assign((i: number) => slot(i)! + gap, { bandwidth: () => slot.bandwidth() - 2 * gap });
  const xNumber = axes.x ? { scale: scaleLinear().domain(axes.x.domain).range([0, W]), ticks: axes.x.ticks } : null;
  const centre = (i: number) => (xNumber ? xNumber.scale(xs[i]!) : slot(i)! + slot.bandwidth() / 2);

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
  for (const l of lines) {
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

  // The value axis: ticks down the left (columns, xy) or along the bottom (rows), and its title. A number tick's
  // data-axis says where it stands, as Recharts' .recharts-xAxis / .recharts-yAxis (the e2e test compares them).
  const vFormat = fmt(spec.y.format);
  for (const [j, t] of value.ticks.entries()) {
    const p = value.scale(t);
    texts.push(
      rows ? (
        <text key={`v-${t}`} data-axis="x" x={pct(p)} y={top + plotHeight} dy={16} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS} className={j % 2 === 1 && value.ticks.length > 4 ? "wide-only" : undefined}>
          {vFormat(t)}
        </text>
      ) : (
        <text key={`v-${t}`} data-axis="y" x={0} y={top + p} dx={-8} dy="0.355em" textAnchor="end" fontSize={AXIS_FONT} fill={AXIS}>
          {vFormat(t)}
        </text>
      ),
    );
  }
  if (spec.y.label)
    texts.push(
      rows ? (
        <text key="v-label" x="50%" y={top + plotHeight + valueSize + Math.min(14, margin.bottom)} dy={-2} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
          {spec.y.label}
        </text>
      ) : (
        <text key="v-label" transform={`translate(${12 - valueSize} ${top + plotHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
          {spec.y.label}
        </text>
      ),
    );
  if (rightValue && spec.right) {
    const rFormat = fmt(spec.right.format);
    for (const t of rightValue.ticks)
      texts.push(
        <text key={`r-${t}`} data-axis="y" x="100%" y={top + rightValue.scale(t)} dx={8} dy="0.355em" textAnchor="start" fontSize={AXIS_FONT} fill={AXIS}>
          {rFormat(t)}
        </text>,
      );
    if (spec.right.label)
      texts.push(
        <svg key="r-label" x="100%" y={top + plotHeight / 2} overflow="visible">
          <text transform={`translate(${(spec.right.size ?? 60) - 12} 0) rotate(90)`} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
            {spec.right.label}
          </text>
        </svg>,
      );
  }

  // The category (or x) axis.
  const xAxis = spec.x;
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
    const xFormat = fmt(xAxis.format as ((v: number) => string) | undefined);
    for (const t of xNumber.ticks)
      texts.push(
        <text key={`x-${t}`} data-axis="x" x={pct(xNumber.scale(t))} y={top + plotHeight} dy={16} textAnchor="middle" fontSize={AXIS_FONT} fill={AXIS}>
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
      {legend.length ? (
        <ul className="legend static-chart-legend" style={{ top: margin.top, height: legendHeight, fontSize: spec.legend?.fontSize }}>
          {legend.map((e) => (
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
