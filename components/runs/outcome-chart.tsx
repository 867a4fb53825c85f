"use client";

import { categoryColour } from "@/components/charts/palette";
import { datumTip, TipBox } from "@/components/charts/tooltip";
import { formatInteger, formatLift, formatShare } from "@/lib/format";
import { clearlyDifferent } from "@/lib/insights/column-insights";
import { SpecChart } from "@/components/charts/recharts-from-spec";

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
  const top = Math.min(1, Math.max(baseRate, ...bars.map((b) => b.high)) * 1.1);
  return (
    <div data-testid="outcome-chart">
      <SpecChart
        spec={{
          title: `${label} per segment, with 95% intervals, against all customers (${formatShare(baseRate)})`,
          height: Math.max(200, bars.length * 40 + 60),
          margin: { top: 4, right: 24, bottom: 24, left: 4 },
          layout: "rows",
          data: bars,
          x: { key: "name", size: 190, chars: 28 },
          y: { domain: [0, top], format: (v) => formatShare(v, 0), label, labelOffset: -14 },
          bars: [{ value: "rate", name: label, colour: categoryColour(0), colourOf: (d) => categoryColour(d.no), whisker: (d) => [d.low, d.high] }],
          reference: { at: baseRate, colour: "#1c2233", dash: "4 3", width: 1, label: `All: ${formatShare(baseRate)}` },
          tooltip: datumTip((d: OutcomeBar) => (
            <TipBox
              title={d.name}
              rows={[
                [label, `${formatShare(d.rate)} (${formatInteger(d.customers)} of ${formatInteger(d.known)})`, categoryColour(d.no)],
                ["95% interval", `${formatShare(d.low)} – ${formatShare(d.high)}`],
                ["All customers", formatShare(baseRate)],
                ["Lift", formatLift(d.lift)],
              ]}
              note={clearlyDifferent({ rateLow: d.low, rateHigh: d.high, baseRate }) ? undefined : "The interval includes the base rate: not clearly different."}
            />
          )),
        }}
      />
    </div>
  );
}
