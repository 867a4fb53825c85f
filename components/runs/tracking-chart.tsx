"use client";

import { CATEGORY_COLOURS } from "@/components/charts/palette";
import { SpecChart } from "@/components/charts/recharts-from-spec";

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
      <SpecChart
        spec={{
          title: "Cumulative repeat purchases in the holdout, actual against each model's forecast, week by week",
          height: 300,
          margin: { top: 12, right: 20, bottom: 24, left: 8 },
          layout: "xy",
          data,
          x: { key: "week", domain: [1, Math.max(2, weeks)], integer: true, label: "Week of the holdout" },
          y: { size: 56, format: (v) => compact.format(v), label: "Repeat purchases (cumulative)", labelOffset: 4 },
          lines: series.map((s) => {
            const style = STYLE[s.key] ?? STYLE.baseline!;
            return { value: s.key, name: s.label, colour: style.colour, width: style.width, dash: style.dash };
          }),
          legend: { fontSize: 12, iconSize: 14 },
          tooltip: { formatter: (v) => whole.format(Number(v)), labelFormatter: (w) => `Week ${String(w)}` },
        }}
      />
    </div>
  );
}
