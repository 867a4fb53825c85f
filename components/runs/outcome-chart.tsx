"use client";

import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { AXIS_FONT, TipBox } from "@/components/charts/tooltip";
import { formatInteger, formatShare } from "@/lib/format";
import { clearlyDifferent } from "@/lib/insights/column-insights";
import { CategoryTick } from "@/components/charts/category-tick";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

/** One segment's rate of an outcome value, with its 95% Wilson interval (segment-outcomes.sql). */
export interface OutcomeBar {
  no: number;
  name: string;
  rate: number;
  low: number;
  high: number;
  customers: number;
  known: number;
  lift: number | null;
}

/**
 * Each segment's rate of an outcome (Churn: yes) as a bar with its 95%
 * interval as a whisker, against the rate over all customers (the line). A
 * whisker that crosses the line: the segment is not clearly different.
 */
export function OutcomeChart({ bars, baseRate, label }: { bars: OutcomeBar[]; baseRate: number; label: string }) {
  const data = bars.map((b) => ({ ...b, error: [b.rate - b.low, b.high - b.rate] as [number, number] }));
  const top = Math.min(1, Math.max(baseRate, ...bars.map((b) => b.high)) * 1.1);
  return (
    <div data-testid="outcome-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `${label} per segment, with 95% intervals, against all customers (${formatShare(baseRate)})`,
              height: Math.max(200, bars.length * 40 + 60),
              margin: { top: 4, right: 24, bottom: 24, left: 4 },
              layout: "rows",
              categories: data.map((d) => d.name),
              xAxis: { size: 190, chars: 28 },
              valueAxis: { domain: [0, top], format: (v) => formatShare(v, 0), label },
              bars: [{ name: label, colour: categoryColour(0), values: data.map((d) => d.rate), colours: data.map((d) => categoryColour(d.no)), errors: data.map((d) => [d.low, d.high]) }],
              reference: { at: baseRate, colour: "#1c2233", dash: "4 3", width: 1, label: `All: ${formatShare(baseRate)}` },
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(200, bars.length * 40 + 60)}>
          <BarChart layout="vertical" data={data} margin={{ top: 4, right: 24, bottom: 24, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              dataKey="rate"
              domain={[0, top]}
              tickFormatter={(v: number) => formatShare(v, 0)}
              fontSize={AXIS_FONT}
              label={{ value: label, position: "insideBottom", offset: -14, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="name" width={190} fontSize={AXIS_FONT} tick={<CategoryTick chars={28} />} />
            <ReferenceLine x={baseRate} stroke="#1c2233" strokeDasharray="4 3" label={{ value: `All: ${formatShare(baseRate)}`, position: "top", fontSize: AXIS_FONT }} />
            <Tooltip
              cursor={{ fill: "rgb(79 70 229 / 8%)" }}
              content={({ active, payload }: TooltipContentProps) => {
                const d = payload?.[0]?.payload as (typeof data)[number] | undefined;
                if (!active || !d) return null;
                return (
                  <TipBox
                    title={d.name}
                    rows={[
                      [label, `${formatShare(d.rate)} (${formatInteger(d.customers)} of ${formatInteger(d.known)})`, categoryColour(d.no)],
                      ["95% interval", `${formatShare(d.low)} – ${formatShare(d.high)}`],
                      ["All customers", formatShare(baseRate)],
                      ["Lift", d.lift === null ? "–" : `×${d.lift.toFixed(2)}`],
                    ]}
                    note={clearlyDifferent({ rateLow: d.low, rateHigh: d.high, baseRate }) ? undefined : "The interval includes the base rate: not clearly different."}
                  />
                );
              }}
            />
            <Bar dataKey="rate" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.no} fill={categoryColour(d.no)} />
              ))}
              <ErrorBar dataKey="error" width={6} strokeWidth={1.5} stroke="#1c2233" direction="x" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}
