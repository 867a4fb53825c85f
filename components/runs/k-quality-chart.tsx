"use client";

import { CATEGORY_COLOURS } from "@/components/charts/palette";
import { SpecChart } from "@/components/charts/recharts-from-spec";
import { datumTip } from "@/components/charts/tooltip";

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
      <SpecChart
        spec={{
          title: `${m.short} for each number of clusters tried; k = ${chosen} chosen`,
          height: 280,
          margin: { top: 24, right: 20, bottom: 24, left: 8 },
          layout: "xy",
          data,
          x: { key: "k", domain: [data[0]?.k ?? 1, data.at(-1)?.k ?? 2], ticks: data.map((d) => d.k), label: "Number of clusters (k)" },
          y: { size: 64, zero: measure === "inertia", format: (v) => (measure === "inertia" ? Intl.NumberFormat("en-GB", { notation: "compact" }).format(v) : v.toFixed(2)), label: m.short, labelOffset: 4 },
          lines: [{ value: measure, name: m.short, colour: m.colour, dot: 3.5, highlight: { when: (d) => d.k === chosen, radius: 6, colour: "#dc2626" } }],
          reference: { at: chosen, colour: "#dc2626", dash: "4 3", width: 1, label: `chosen k = ${chosen}` },
          tooltip: datumTip((c: KCandidate) => <QualityTooltip c={c} chosen={chosen} />),
        }}
      />
    </div>
  );
}

function QualityTooltip({ c, chosen }: { c: KCandidate; chosen: number }) {
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
