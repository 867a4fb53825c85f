"use client";

import type { ComponentProps, ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  ErrorBar,
  LabelList,
  Legend,
  Line,
  LineChart,
  Rectangle,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  Treemap,
  XAxis,
  YAxis,
  useChartWidth,
  usePlotArea,
  type BarShapeProps,
  type TreemapNode,
} from "recharts";
import { CategoryTick } from "./category-tick";
import { onTile, resolveAxes, tileText, valueOf, type Axis, type ChartSpec, type LineSeries, type ResolvedAxis, type TreemapSpec } from "./chart-spec";
import { LazyChart } from "./lazy-chart";
import { StaticChart } from "./static-chart";
import { StaticTreemap } from "./static-treemap";
import { AXIS_FONT } from "./tooltip";

/**
 * A chart described once (chart-spec.ts), drawn twice: the static SVG in the
 * server's HTML, then, once the browser is idle, the interactive Recharts
 * chart (lazy-chart.tsx). `layers` are drawn inside the interactive chart
 * only (the cluster scatter's points with their own pointer handling).
 */
export function SpecChart<T>({ spec, layers }: { spec: ChartSpec<T>; layers?: ReactNode }) {
  return (
    <LazyChart drawing={<StaticChart spec={spec} />}>
      <RechartsFromSpec spec={spec}>{layers}</RechartsFromSpec>
    </LazyChart>
  );
}

export function SpecTreemap<T>({ spec }: { spec: TreemapSpec<T> }) {
  return (
    <LazyChart drawing={<StaticTreemap spec={spec} />}>
      <RechartsTreemap spec={spec} />
    </LazyChart>
  );
}

const GRID = "#e5e7eb";
const CURSOR = { fill: "rgb(79 70 229 / 8%)" };
const NOTHING = () => <g />;
/** A field's name or a function of the datum as Recharts' dataKey (whose type Recharts infers from data it cannot see here). */
const key = (k: string | ((d: never) => unknown) | undefined) => k as never;

/** A value axis's Recharts props: the spec's domain and ticks, as the static drawing draws them. */
const valueAxisProps = (axis: Axis, resolved: ResolvedAxis) => ({
  type: "number" as const,
  domain: resolved.domain,
  ticks: resolved.ticks,
  allowDecimals: !axis.integer,
  tickFormatter: axis.format,
  fontSize: AXIS_FONT,
});

/** The interactive chart of a spec: Recharts' bar, line, composed or scatter chart with the spec's series and axes. */
export function RechartsFromSpec<T>({ spec, children }: { spec: ChartSpec<T>; children?: ReactNode }) {
  const { layout, margin, x } = spec;
  const rows = layout === "rows";
  const axes = resolveAxes(spec);
  const bars = spec.bars ?? [];
  const lines = spec.lines ?? [];
  const Chart = spec.points ? ScatterChart : bars.length && lines.length ? ComposedChart : lines.length ? LineChart : BarChart;
  const yId = (right?: boolean) => (spec.right ? (right ? "right" : "left") : undefined);
  const yLabel = (axis: Axis, side: "left" | "right") =>
    axis.label
      ? { value: axis.label, angle: side === "left" ? -90 : 90, position: side === "left" ? ("insideLeft" as const) : ("insideRight" as const), offset: axis.labelOffset, fontSize: AXIS_FONT, style: { textAnchor: "middle" as const } }
      : undefined;
  const xLabel = (axis: { label?: string; labelOffset?: number }) => (axis.label ? { value: axis.label, position: "insideBottom" as const, offset: axis.labelOffset ?? -12, fontSize: AXIS_FONT } : undefined);
  // Every category's label, or as many as fit, keeping the first and the last.
  const interval = x.minTickGap === undefined ? 0 : ("preserveStartEnd" as const);

  let xAxis: ReactNode;
  let yAxis: ReactNode;
  if (rows) {
    xAxis = <XAxis {...valueAxisProps(spec.y, axes.y)} label={xLabel(spec.y)} />;
    yAxis = <YAxis type="category" dataKey={key(x.key)} width={x.size ?? 60} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={x.chars ?? 18} />} />;
  } else {
    xAxis =
      layout === "xy" ? (
        <XAxis {...valueAxisProps({ ...x, format: x.format as Axis["format"] }, axes.x!)} dataKey={key(x.key ?? "x")} label={xLabel(x)} />
      ) : (
        <XAxis
          dataKey={key(x.key)}
          tickFormatter={x.format as ((v: unknown) => string) | undefined}
          fontSize={AXIS_FONT}
          interval={interval}
          minTickGap={x.minTickGap}
          height={x.size}
          angle={x.rotate ? -40 : undefined}
          textAnchor={x.rotate ? "end" : undefined}
          label={xLabel(x)}
        />
      );
    yAxis = (
      <>
        <YAxis {...valueAxisProps(spec.y, axes.y)} yAxisId={yId(false)} dataKey={spec.points ? "y" : undefined} width={spec.y.size ?? 60} label={yLabel(spec.y, "left")} />
        {spec.right && axes.right && <YAxis {...valueAxisProps(spec.right, axes.right)} yAxisId="right" orientation="right" width={spec.right.size ?? 60} label={yLabel(spec.right, "right")} />}
      </>
    );
  }

  const ref = spec.reference;
  const legend = spec.legend;
  return (
    <ResponsiveContainer width="100%" height={spec.height}>
      <Chart data={spec.points ? undefined : spec.data} layout={rows ? "vertical" : undefined} margin={margin} barCategoryGap={spec.categoryGap} barGap={spec.barGap}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} vertical={layout === "xy" ? undefined : rows} horizontal={rows ? false : undefined} />
        {xAxis}
        {yAxis}
        {ref && (
          <ReferenceLine
            x={ref.at}
            stroke={ref.colour}
            strokeDasharray={ref.dash}
            strokeWidth={ref.width}
            yAxisId={yId(false)}
            label={ref.label ? { value: ref.label, position: "top", fill: ref.colour, fontSize: AXIS_FONT } : undefined}
          />
        )}
        {spec.tooltip && <FittedTooltip cursor={bars.length ? CURSOR : undefined} {...spec.tooltip} />}
        {legend && <Legend verticalAlign="top" height={legend.height ?? 28} iconSize={legend.iconSize ?? 12} iconType={legend.square ? "square" : undefined} wrapperStyle={{ fontSize: legend.fontSize ?? 13 }} itemSorter={null} />}
        {bars.map((b) => (
          <Bar
            key={b.name}
            dataKey={key(b.value)}
            name={b.name}
            fill={b.colour}
            stackId={b.stack}
            yAxisId={yId(b.right)}
            isAnimationActive={false}
            shape={b.opacityOf ? (props: BarShapeProps) => <Rectangle {...props} fillOpacity={b.opacityOf!(props.payload as T)} /> : undefined}
          >
            {b.colourOf && spec.data.map((d, i) => <Cell key={i} fill={b.colourOf!(d)} />)}
            {b.label && <LabelList dataKey={key(b.value)} position={rows ? "right" : "top"} fontSize={11} fill="#374151" formatter={(v: unknown) => (typeof v === "number" ? b.label!(v) : "")} />}
            {b.whisker && (
              <ErrorBar
                dataKey={(d: T) => {
                  const v = valueOf(b.value, d) ?? 0;
                  const [low, high] = b.whisker!(d);
                  return [v - low, high - v];
                }}
                width={6}
                strokeWidth={1.5}
                stroke="#1c2233"
                direction={rows ? "x" : "y"}
              />
            )}
          </Bar>
        ))}
        {lines.map((l) => (
          <Line
            key={l.name}
            type="linear"
            dataKey={key(l.value)}
            name={l.name}
            stroke={l.colour}
            strokeWidth={l.width ?? 2}
            strokeDasharray={l.dash}
            yAxisId={yId(l.right)}
            dot={l.highlight ? (props) => <Dot key={`dot-${String(props.index)}`} {...props} line={l} /> : l.dot ? { r: l.dot } : false}
            isAnimationActive={false}
          />
        ))}
        {/* Scatter: the axes exist for a series; two invisible points at the corners give them one. */}
        {spec.points && axes.x && (
          <Scatter
            data={[
              { x: axes.x.domain[0], y: axes.y.domain[0] },
              { x: axes.x.domain[1], y: axes.y.domain[1] },
            ]}
            shape={NOTHING}
            isAnimationActive={false}
            legendType="none"
            tooltipType="none"
          />
        )}
        {children}
      </Chart>
    </ResponsiveContainer>
  );
}

/** The widest a chart's tooltip is drawn: .chart-tooltip's max-width (20rem) in app/globals.css. */
const TIP_WIDTH = 320;

/**
 * Recharts' <Tooltip>, kept inside its chart at any width. Recharts keeps a
 * tooltip right of the plot's left edge and flips it to the pointer's left
 * when it would pass the plot's right edge; with a narrow chart (a phone) and
 * its axis labels on the left, the room from the plot's left edge to the
 * chart's right edge is narrower than the tooltip, which ran off the chart and
 * the screen. There the tooltip starts at the chart's left edge instead (over
 * the axis labels; it still follows the pointer up and down), never wider than
 * the chart: its rows wrap rather than cut a figure (.chart-tooltip's CSS).
 */
function FittedTooltip(props: ComponentProps<typeof Tooltip>) {
  const width = useChartWidth();
  const plotLeft = usePlotArea()?.x ?? 0;
  const cramped = width !== undefined && width - plotLeft < TIP_WIDTH;
  return <Tooltip {...props} position={cramped ? { x: 0, ...props.position } : props.position} wrapperStyle={{ maxWidth: width, ...props.wrapperStyle }} />;
}

/** A line's dot: the highlighted datum's larger, in its colour. */
function Dot<T>({ cx, cy, payload, line }: { cx?: number; cy?: number; payload?: unknown; line: LineSeries<T> }) {
  if (cx === undefined || cy === undefined) return <g />;
  const h = line.highlight!;
  const on = payload !== undefined && h.when(payload as T);
  return <circle cx={cx} cy={cy} r={on ? h.radius : (line.dot ?? 3)} fill={on ? h.colour : line.colour} stroke="#fff" strokeWidth={1.5} />;
}

export function RechartsTreemap<T>({ spec }: { spec: TreemapSpec<T> }) {
  return (
    <ResponsiveContainer width="100%" height={spec.height}>
      <Treemap data={spec.data as never} dataKey={spec.value} isAnimationActive={false} stroke="#fff" content={<Tile spec={spec} />}>
        {spec.tooltip && <FittedTooltip {...spec.tooltip} />}
      </Treemap>
    </ResponsiveContainer>
  );
}

/** A treemap tile, labelled when the label fits. */
function Tile<T>(props: Partial<TreemapNode> & { spec: TreemapSpec<T> }) {
  const { x = 0, y = 0, width = 0, height = 0, depth, spec } = props;
  if (depth === 0) return <g />;
  const d = props as unknown as T;
  const colour = spec.colour(d);
  const note = spec.note?.(d);
  const fill = onTile(colour);
  return (
    <g>
      <rect x={x} y={y} width={width} height={height} fill={colour} stroke="#fff" strokeWidth={2} />
      {width > 48 && height > 34 && (
        <>
          <text x={x + 6} y={y + 18} fontSize={12} fontWeight={600} fill={fill} stroke="none">
            {tileText(spec.name(d), width)}
          </text>
          {height > 44 && note !== undefined && (
            <text x={x + 6} y={y + 34} fontSize={11} fill={fill} stroke="none">
              {note}
            </text>
          )}
        </>
      )}
    </g>
  );
}
