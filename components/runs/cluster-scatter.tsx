"use client";

import { useMemo, useState } from "react";
import { usePlotArea, useXAxisScale, useYAxisScale } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatShare } from "@/lib/format";
import { SpecChart } from "@/components/charts/recharts-from-spec";

/** One cluster's points as parallel arrays (a third of the page weight of one object per point). */
export interface ScatterSeries {
  no: number;
  name: string;
  xs: number[];
  ys: number[];
  ids: string[];
}

const RADIUS = 2.5;

/**
 * Customers on the first two principal components, one colour per cluster.
 * Recharts draws the grid and the axes (from one spec with the static
 * drawing, which shows a sample of the points); the points are one SVG path per
 * cluster placed with the chart's own scales (useXAxisScale / useYAxisScale),
 * not a Scatter series: Recharts renders each point of a Scatter as React
 * elements of its own, and 3,000 of them took 0.7 s of the page's first
 * drawing on a 2-core machine.
 */
export function ClusterScatter({ series, explained }: { series: ScatterSeries[]; explained: [number, number] }) {
  const size = series.reduce((s, x) => s + x.xs.length, 0);
  const [xDomain, yDomain] = useMemo(() => [extent(series.map((s) => s.xs)), extent(series.map((s) => s.ys))], [series]);
  return (
    <div data-testid="cluster-scatter" data-points={size}>
      <SpecChart
        spec={{
          title: `Customers on the first two principal components, one colour per cluster (${Math.min(size, STATIC_POINTS)} of ${size} points drawn before the chart is interactive)`,
          height: 420,
          margin: { top: 10, right: 16, bottom: 24, left: 4 },
          layout: "xy",
          data: [],
          x: { domain: xDomain, ticks: ticks(xDomain), label: `Component 1 (${formatShare(explained[0], 0)} of variance)`, labelOffset: -16 },
          y: { size: 56, domain: yDomain, ticks: ticks(yDomain), label: `Component 2 (${formatShare(explained[1], 0)})`, labelOffset: 14 },
          points: sample(series, size),
        }}
        layers={<ClusterPoints series={series} />}
      />
      <ul className="legend" aria-label="Clusters">
        {series.map((s) => (
          <li key={s.no}>
            <span className="swatch round" style={{ background: categoryColour(s.no) }} aria-hidden="true" />
            {s.name} <span className="muted">({s.xs.length.toLocaleString("en-GB")} drawn)</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Points the static drawing shows at most: every k-th of each cluster, so the server's HTML stays small (a few kB). */
const STATIC_POINTS = 600;

function sample(series: ScatterSeries[], size: number) {
  const step = Math.max(1, Math.ceil(size / STATIC_POINTS));
  return series.map((s) => {
    const keep = (_: number, i: number) => i % step === 0;
    return { name: s.name, colour: categoryColour(s.no), xs: s.xs.filter(keep), ys: s.ys.filter(keep) };
  });
}

/** The axes just around the points, on whole units. */
function extent(columns: number[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of columns)
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return Number.isFinite(lo) ? [Math.floor(lo), Math.ceil(hi)] : [-1, 1];
}

function ticks([lo, hi]: [number, number]): number[] {
  const step = [1, 2, 5, 10].find((s) => (hi - lo) / s <= 8) ?? 20;
  const first = Math.ceil(lo / step) * step;
  return Array.from({ length: Math.floor((hi - first) / step) + 1 }, (_, i) => first + i * step);
}

interface Hovered {
  series: ScatterSeries;
  index: number;
  px: number;
  py: number;
}

/** The points (inside the chart: its scales and plot area), and the customer under the pointer. */
function ClusterPoints({ series }: { series: ScatterSeries[] }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const plot = usePlotArea();
  const [hovered, setHovered] = useState<Hovered | null>(null);
  // Pixel positions once per layout: the paths, and what the pointer is matched against.
  const placed = useMemo(() => {
    if (!xScale || !yScale) return null;
    return series.map((s) => {
      const px = new Float64Array(s.xs.length);
      const py = new Float64Array(s.xs.length);
      let d = "";
      for (let i = 0; i < s.xs.length; i++) {
        px[i] = Number(xScale(s.xs[i]!));
        py[i] = Number(yScale(s.ys[i]!));
        // A circle as two arcs, all of a cluster's in one path.
        d += `M${(px[i]! - RADIUS).toFixed(1)} ${py[i]!.toFixed(1)}a${RADIUS} ${RADIUS} 0 1 0 ${2 * RADIUS} 0a${RADIUS} ${RADIUS} 0 1 0 ${-2 * RADIUS} 0`;
      }
      return { series: s, px, py, d };
    });
  }, [series, xScale, yScale]);
  if (!placed || !plot) return null;
  const onMove = (event: React.MouseEvent<SVGRectElement>) => {
    const box = event.currentTarget.ownerSVGElement!.getBoundingClientRect();
    const [mx, my] = [event.clientX - box.left, event.clientY - box.top];
    let best: Hovered | null = null;
    let bestDistance = 8 * 8; // within 8 px
    for (const p of placed)
      for (let i = 0; i < p.px.length; i++) {
        const distance = (p.px[i]! - mx) ** 2 + (p.py[i]! - my) ** 2;
        if (distance < bestDistance) [best, bestDistance] = [{ series: p.series, index: i, px: p.px[i]!, py: p.py[i]! }, distance];
      }
    setHovered(best);
  };
  return (
    <g className="cluster-points">
      {placed.map((p) => (
        <path key={p.series.no} d={p.d} fill={categoryColour(p.series.no)} fillOpacity={0.6} data-cluster={p.series.no} />
      ))}
      <rect x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHovered(null)} />
      {hovered && <PointTooltip hovered={hovered} plot={plot} />}
    </g>
  );
}

function PointTooltip({ hovered: { series, index, px, py }, plot }: { hovered: Hovered; plot: { x: number; y: number; width: number; height: number } }) {
  const lines = [`Customer ${series.ids[index]}`, series.name, `(${series.xs[index]!.toFixed(2)}, ${series.ys[index]!.toFixed(2)})`];
  const width = 12 + 7 * Math.max(...lines.map((l) => l.length));
  const height = 10 + 16 * lines.length;
  // Beside the point, inside the plot area.
  const x = px + 12 + width > plot.x + plot.width ? px - 12 - width : px + 12;
  const y = Math.min(Math.max(py - height / 2, plot.y), plot.y + plot.height - height);
  return (
    <g pointerEvents="none" role="tooltip">
      <circle cx={px} cy={py} r={RADIUS + 2} fill="none" stroke={categoryColour(series.no)} strokeWidth={2} />
      <rect x={x} y={y} width={width} height={height} rx={4} fill="#fff" stroke="#d1d5db" />
      {lines.map((line, i) => (
        <text key={i} x={x + 6} y={y + 18 + 16 * i} fontSize={12} fontWeight={i === 0 ? 600 : 400} fill={i === 2 ? "#6b7280" : "#111827"}>
          {line}
        </text>
      ))}
    </g>
  );
}
