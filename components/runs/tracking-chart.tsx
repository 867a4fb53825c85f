"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CATEGORY_COLOURS } from "@/components/charts/palette";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

export interface TrackingSeries {
  /** "actual", a model's name, or "baseline". */
  key: string;
  label: string;
  /** Cumulative repeat purchases at the end of each holdout week. */
  values: number[];
}

const STYLE: Record<string, { colour: string; dash?: string; width: number }> = {
  actual: { colour: "#111827", width: 3 },
  bgnbd: { colour: CATEGORY_COLOURS[0]!, dash: "6 3", width: 2 },
  mbgnbd: { colour: CATEGORY_COLOURS[1]!, dash: "6 3", width: 2 },
  paretonbd: { colour: CATEGORY_COLOURS[2]!, dash: "6 3", width: 2 },
  baseline: { colour: CATEGORY_COLOURS[8]!, dash: "2 3", width: 2 },
};

const compact = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });

/** The tracking plot of the holdout: cumulative repeat purchases, actual against each model's forecast, week by week. */
export function TrackingChart({ series }: { series: TrackingSeries[] }) {
  const weeks = Math.max(0, ...series.map((s) => s.values.length));
  const data = Array.from({ length: weeks }, (_, w) => Object.fromEntries([["week", w + 1], ...series.map((s) => [s.key, s.values[w] ?? null])]));
  return (
    <div data-testid="tracking-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Cumulative repeat purchases in the holdout, actual against each model's forecast, week by week",
              height: 300,
              margin: { top: 12, right: 20, bottom: 24, left: 8 },
              layout: "xy",
              xs: data.map((_, w) => w + 1),
              xAxis: { domain: [1, Math.max(2, weeks)], integer: true, label: "Week of the holdout" },
              valueAxis: { size: 56, format: (v) => compact.format(v), label: "Repeat purchases (cumulative)" },
              lines: series.map((s) => ({ name: s.label, colour: (STYLE[s.key] ?? STYLE.baseline!).colour, width: (STYLE[s.key] ?? STYLE.baseline!).width, dash: (STYLE[s.key] ?? STYLE.baseline!).dash, values: s.values })),
              legend: series.map((s) => ({ name: s.label, colour: (STYLE[s.key] ?? STYLE.baseline!).colour })),
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={data} margin={{ top: 12, right: 20, bottom: 24, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="week" type="number" domain={[1, "dataMax"]} allowDecimals={false} fontSize={12} label={{ value: "Week of the holdout", position: "insideBottom", offset: -12, fontSize: 12 }} />
            <YAxis fontSize={12} width={56} tickFormatter={(v: number) => compact.format(v)} label={{ value: "Repeat purchases (cumulative)", angle: -90, position: "insideLeft", offset: 4, fontSize: 12, style: { textAnchor: "middle" } }} />
            <Tooltip formatter={(v) => whole.format(Number(v))} labelFormatter={(w) => `Week ${String(w)}`} />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => {
              const style = STYLE[s.key] ?? STYLE.baseline!;
              return <Line key={s.key} dataKey={s.key} name={s.label} stroke={style.colour} strokeWidth={style.width} strokeDasharray={style.dash} dot={false} isAnimationActive={false} />;
            })}
          </LineChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}
