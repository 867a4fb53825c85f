"use client";

import { useMemo } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatShare } from "@/lib/format";

/** One cluster's points as parallel arrays (a third of the page weight of one object per point). */
export interface ScatterSeries {
  no: number;
  name: string;
  xs: number[];
  ys: number[];
  ids: string[];
}

/** Customers on the first two principal components, one colour (series) per cluster. */
export function ClusterScatter({ series: columns, explained }: { series: ScatterSeries[]; explained: [number, number] }) {
  const series = useMemo(() => columns.map((s) => ({ ...s, points: s.xs.map((x, i) => ({ x, y: s.ys[i]!, customerId: s.ids[i]! })) })), [columns]);
  const size = series.reduce((s, x) => s + x.points.length, 0);
  // Axes just around the points, on whole units.
  const extent = (key: "x" | "y"): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) for (const p of s.points) [lo, hi] = [Math.min(lo, p[key]), Math.max(hi, p[key])];
    return Number.isFinite(lo) ? [Math.floor(lo), Math.ceil(hi)] : [-1, 1];
  };
  const ticks = ([lo, hi]: [number, number]) => {
    const step = [1, 2, 5, 10].find((s) => (hi - lo) / s <= 8) ?? 20;
    const first = Math.ceil(lo / step) * step;
    return Array.from({ length: Math.floor((hi - first) / step) + 1 }, (_, i) => first + i * step);
  };
  const [xDomain, yDomain] = [extent("x"), extent("y")];
  return (
    <div data-testid="cluster-scatter" data-points={size}>
      <ResponsiveContainer width="100%" height={420}>
        <ScatterChart margin={{ top: 10, right: 16, bottom: 24, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            type="number"
            dataKey="x"
            name="PC1"
            domain={xDomain}
            ticks={ticks(xDomain)}
            tickFormatter={(v: number) => String(v)}
            label={{ value: `Component 1 (${formatShare(explained[0], 0)} of variance)`, position: "insideBottom", offset: -16, fontSize: 12 }}
            fontSize={12}
          />
          <YAxis
            type="number"
            dataKey="y"
            name="PC2"
            domain={yDomain}
            ticks={ticks(yDomain)}
            tickFormatter={(v: number) => String(v)}
            label={{ value: `Component 2 (${formatShare(explained[1], 0)})`, angle: -90, position: "insideLeft", offset: 14, fontSize: 12, style: { textAnchor: "middle" } }}
            fontSize={12}
            width={56}
          />
          <Tooltip content={ScatterTooltip} cursor={{ strokeDasharray: "3 3" }} />
          {series.map((s) => (
            <Scatter key={s.no} name={s.name} data={s.points} fill={categoryColour(s.no)} fillOpacity={0.6} isAnimationActive={false} shape="circle" legendType="circle" r={2.5} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <ul className="legend" aria-label="Clusters">
        {series.map((s) => (
          <li key={s.no}>
            <span className="swatch round" style={{ background: categoryColour(s.no) }} aria-hidden="true" />
            {s.name} <span className="muted">({s.points.length.toLocaleString("en-GB")} drawn)</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ScatterTooltip({ active, payload }: TooltipContentProps) {
  const entry = payload?.[0];
  const p = entry?.payload as { x: number; y: number; customerId: string } | undefined;
  if (!active || !p) return null;
  return (
    <div className="chart-tooltip">
      <strong>Customer {p.customerId}</strong>
      <div>{String((entry as { name?: unknown } | undefined)?.name ?? "")}</div>
      <div className="muted">
        ({p.x.toFixed(2)}, {p.y.toFixed(2)})
      </div>
    </div>
  );
}
