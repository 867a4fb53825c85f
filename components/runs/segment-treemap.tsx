"use client";

import { categoryColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import { SpecTreemap } from "@/components/charts/recharts-from-spec";
import { datumTip } from "@/components/charts/tooltip";

export interface TreemapSegment {
  no: number;
  name: string;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number | null;
}

/** Segments as rectangles: area = customers, colour = segment (the same colour as its card). */
export function SegmentTreemap({ segments, currency = null }: { segments: TreemapSegment[]; /** ISO 4217, or null. */ currency?: string | null }) {
  const data = segments.filter((s) => s.customers > 0).map((s) => ({ ...s, fill: categoryColour(s.no) }));
  return (
    <div data-testid="segment-treemap">
      <SpecTreemap
        spec={{
          title: "Segments by their customers: area = customers",
          height: 340,
          data,
          value: "customers",
          name: (s) => s.name,
          colour: (s) => s.fill,
          note: (s) => formatShare(s.customerShare),
          tooltip: datumTip((s: TreemapSegment & { fill: string }) => <TreemapTooltip s={s} currency={currency} />),
        }}
      />
      <ul className="legend" aria-label="Segments">
        {data.map((s) => (
          <li key={s.no}>
            <span className="swatch" style={{ background: s.fill }} aria-hidden="true" />
            {s.name} <span className="muted">({formatShare(s.customerShare)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function TreemapTooltip({ s, currency }: { s: TreemapSegment & { fill: string }; currency: string | null }) {
  return (
    <div className="chart-tooltip">
      <strong>{s.name}</strong>
      <div>{formatInteger(s.customers)} customers ({formatShare(s.customerShare)})</div>
      <div>
        Revenue {formatMoney(s.revenue, currency)} ({formatShare(s.revenueShare)} of revenue)
      </div>
    </div>
  );
}
