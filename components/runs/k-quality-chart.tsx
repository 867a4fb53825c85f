"use client";

import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { CATEGORY_COLOURS } from "@/components/charts/palette";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

export interface KCandidate {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
}

const MEASURES = {
  inertia: { label: "Inertia (within-cluster sum of squares, standard units²)", short: "Inertia", digits: 0, colour: CATEGORY_COLOURS[0]! },
  silhouette: { label: "Mean silhouette (−1 to 1)", short: "Silhouette", digits: 3, colour: CATEGORY_COLOURS[2]! },
} as const;

/** One quality measure per k tried, the chosen k marked. */
export function KQualityChart({ candidates, chosen, measure }: { candidates: KCandidate[]; chosen: number; measure: keyof typeof MEASURES }) {
  const m = MEASURES[measure];
  const data = [...candidates].sort((a, b) => a.k - b.k);
  return (
    <div data-testid={`k-${measure}`}>
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `${m.short} for each number of clusters tried; k = ${chosen} chosen`,
              height: 280,
              margin: { top: 24, right: 20, bottom: 24, left: 8 },
              layout: "xy",
              xs: data.map((d) => d.k),
              xAxis: { domain: [data[0]?.k ?? 1, data.at(-1)?.k ?? 2], ticks: data.map((d) => d.k), label: "Number of clusters (k)" },
              valueAxis: { size: 64, zero: measure === "inertia", format: (v) => (measure === "inertia" ? Intl.NumberFormat("en-GB", { notation: "compact" }).format(v) : v.toFixed(2)), label: m.short },
              lines: [{ name: m.short, colour: m.colour, values: data.map((d) => d[measure]), dot: 3.5, highlight: { index: data.findIndex((d) => d.k === chosen), radius: 6, colour: "#dc2626" } }],
              reference: { at: chosen, colour: "#dc2626", dash: "4 3", width: 1, label: `chosen k = ${chosen}` },
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={data} margin={{ top: 24, right: 20, bottom: 24, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="k" type="number" domain={["dataMin", "dataMax"]} ticks={data.map((d) => d.k)} allowDecimals={false} fontSize={12} label={{ value: "Number of clusters (k)", position: "insideBottom", offset: -12, fontSize: 12 }} />
            <YAxis
              fontSize={12}
              width={64}
              domain={measure === "silhouette" ? ["auto", "auto"] : [0, "auto"]}
              tickFormatter={(v: number) => (measure === "inertia" ? Intl.NumberFormat("en-GB", { notation: "compact" }).format(v) : v.toFixed(2))}
              label={{ value: m.short, angle: -90, position: "insideLeft", offset: 4, fontSize: 12, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props: TooltipContentProps) => <QualityTooltip {...props} chosen={chosen} />} />
            <ReferenceLine x={chosen} stroke="#dc2626" strokeDasharray="4 3" label={{ value: `chosen k = ${chosen}`, position: "top", fill: "#dc2626", fontSize: 12 }} />
            <Line type="linear" dataKey={measure} name={m.short} stroke={m.colour} strokeWidth={2} isAnimationActive={false} dot={(props) => <Dot key={`dot-${String(props.index)}`} cx={props.cx} cy={props.cy} payload={props.payload as KCandidate} chosen={chosen} colour={m.colour} />} />
          </LineChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function Dot(props: { cx?: number; cy?: number; payload?: KCandidate; chosen: number; colour: string }) {
  const { cx, cy, payload, chosen, colour } = props;
  if (cx === undefined || cy === undefined) return <g />;
  const isChosen = payload?.k === chosen;
  return <circle cx={cx} cy={cy} r={isChosen ? 6 : 3.5} fill={isChosen ? "#dc2626" : colour} stroke="#fff" strokeWidth={1.5} />;
}

function QualityTooltip({ active, payload, chosen }: TooltipContentProps & { chosen: number }) {
  const c = payload?.[0]?.payload as KCandidate | undefined;
  if (!active || !c) return null;
  return (
    <div className="chart-tooltip">
      <strong>
        k = {c.k}
        {c.k === chosen ? " (chosen)" : ""}
      </strong>
      <div>Inertia {c.inertia.toFixed(1)}</div>
      <div>Silhouette {c.silhouette.toFixed(3)}</div>
      <div>Calinski-Harabasz {c.calinskiHarabasz.toFixed(1)}</div>
      <div>Davies-Bouldin {c.daviesBouldin.toFixed(3)}</div>
    </div>
  );
}
