"use client";

import { CATEGORY_COLOURS, categoryColour } from "@/components/charts/palette";
import { datumTip, TipBox, truncate } from "@/components/charts/tooltip";
import { formatLift, formatShare } from "@/lib/format";
import type { BarSeries, LegendSpec } from "@/components/charts/chart-spec";
import { SpecChart } from "@/components/charts/recharts-from-spec";

/** Charts of a segment against the whole base. Data come in ready to draw, from the page (server). */
export const SEGMENT_COLOUR = categoryColour(0);
export const BASE_COLOUR = CATEGORY_COLOURS[8]!;
const BETTER = categoryColour(2);
const WORSE = categoryColour(5);

/** The legend of the segment's and the base's bars (the segment's first). */
const LEGEND: LegendSpec = { height: 26, fontSize: 12, iconSize: 14, square: true };
/** The segment's bars and the base's, side by side: each datum's `share` and `baseShare`. */
const againstBase = <T extends { share: number; baseShare: number }>(segmentName: string): BarSeries<T>[] => [
  { value: "share", name: truncate(segmentName, 28), colour: SEGMENT_COLOUR },
  { value: "baseShare", name: "All customers", colour: BASE_COLOUR },
];
/** Percent ticks with enough decimals to tell them apart. */
const percentTick = (top: number) => (v: number) => formatShare(v, top < 0.05 ? 1 : 0);

/**
 * The tooltip of a datum of the segment against the base: the segment's value and all customers', each with
 * its bars' colour, then the lift (where the chart has one) and any more rows.
 */
function AgainstBaseTip({ title, segmentName, segment, base, lift, more = [], note }: { title: string; segmentName: string; segment: string; base: string; lift?: number | null; more?: [string, string][]; note?: string }) {
  return (
    <TipBox
      title={title}
      rows={[[segmentName, segment, SEGMENT_COLOUR], ["All customers", base, BASE_COLOUR], ...(lift === undefined ? [] : [["Lift", formatLift(lift)] as [string, string]]), ...more]}
      note={note}
    />
  );
}

// --- Lift of each feature, on a log scale centred on 1 (×2 and ×0.5 equally far from it) ---

export interface LiftDatum {
  feature: string;
  lift: number | null;
  /** The segment's and the base's mean, formatted. */
  segment: string;
  base: string;
  /** Lower is better (recency, return rate). */
  lowerIsBetter?: boolean;
}

const FLOOR = 1 / 16;

export function LiftChart({ data, segmentName }: { data: LiftDatum[]; segmentName: string }) {
  const plotted = data.map((d) => ({ ...d, x: d.lift === null ? 0 : Math.log2(Math.max(d.lift, FLOOR)) }));
  const extent = Math.max(1, Math.ceil(Math.max(...plotted.map((d) => Math.abs(d.x)))));
  const step = extent > 3 ? 2 : 1;
  const ticks: number[] = [];
  for (let t = -extent; t <= extent; t++) if (t % step === 0) ticks.push(t);
  const tick = (v: number) => `×${2 ** v >= 1 ? 2 ** v : Number((2 ** v).toFixed(3))}`;
  return (
    <div data-testid="lift-chart">
      <SpecChart
        spec={{
          title: `Lift of each measure in ${segmentName} against all customers (log scale)`,
          height: Math.max(220, data.length * 38 + 70),
          margin: { top: 4, right: 16, bottom: 24, left: 4 },
          layout: "rows",
          data: plotted,
          x: { key: "feature", size: 118, chars: 17 },
          y: { domain: [-extent, extent], ticks, format: tick, label: "Lift vs all customers (log scale)", labelOffset: -14 },
          bars: [{ value: "x", name: "Lift", colour: BETTER, colourOf: (d) => ((d.x >= 0) !== Boolean(d.lowerIsBetter) ? BETTER : WORSE) }],
          reference: { at: 0, colour: "#1c2233", width: 1.5 },
          tooltip: datumTip((d: (typeof plotted)[number]) => (
            <AgainstBaseTip title={d.feature} segmentName={segmentName} segment={d.segment} base={d.base} lift={d.lift} note={d.lowerIsBetter ? "Lower is better for this measure." : undefined} />
          )),
        }}
      />
    </div>
  );
}

// --- A segment's share of each category against the base's share (demographics, products, countries) ---

export interface ShareDatum {
  label: string;
  share: number | null;
  baseShare: number | null;
  lift: number | null;
  /** More lines for the tooltip. */
  details?: [string, string][];
}

export function ShareBars({ id, data, segmentName, measure, maxLabel = 20 }: { id: string; data: ShareDatum[]; segmentName: string; measure: string; maxLabel?: number }) {
  const rows = data.map((d) => ({ ...d, share: d.share ?? 0, baseShare: d.baseShare ?? 0 }));
  const top = Math.max(0.01, ...rows.map((d) => Math.max(d.share, d.baseShare)));
  return (
    <div data-testid={`share-bars-${id}`} data-rows={data.length}>
      <SpecChart
        spec={{
          title: `${measure}: ${segmentName} against all customers`,
          height: Math.max(200, data.length * 44 + 80),
          margin: { top: 4, right: 16, bottom: 24, left: 4 },
          layout: "rows",
          data: rows,
          x: { key: "label", size: 156, chars: maxLabel },
          y: { domain: top > 0.5 ? [0, 1] : undefined, format: percentTick(top), label: `${measure} (%)`, labelOffset: -14 },
          bars: againstBase(segmentName),
          categoryGap: "20%",
          barGap: 1,
          legend: LEGEND,
          tooltip: datumTip((d: ShareDatum) => (
            <AgainstBaseTip title={d.label} segmentName={segmentName} segment={formatShare(d.share)} base={formatShare(d.baseShare)} lift={d.lift} more={d.details} />
          )),
        }}
      />
    </div>
  );
}

// --- Histogram of a measure in the segment against the base, on the same bins ---

export interface DistributionDatum {
  label: string;
  /** The bin's exact edges, for the tooltip. */
  range: string;
  share: number;
  baseShare: number;
  customers: number;
  baseCustomers: number;
}

export function DistributionChart({ id, data, segmentName, xLabel }: { id: string; data: DistributionDatum[]; segmentName: string; xLabel: string }) {
  const top = Math.max(0.01, ...data.map((d) => Math.max(d.share, d.baseShare)));
  return (
    <div data-testid={`distribution-${id}`} data-bins={data.length}>
      <SpecChart
        spec={{
          title: `${xLabel}: share of ${segmentName}'s customers and of all customers per bin`,
          height: 290,
          margin: { top: 4, right: 8, bottom: 28, left: 4 },
          layout: "columns",
          data,
          x: { key: "label", size: 58, rotate: true, minTickGap: 4, label: xLabel, labelOffset: -20 },
          y: { size: 48, format: percentTick(top), label: "Customers (%)" },
          bars: againstBase(segmentName),
          categoryGap: "12%",
          barGap: 0,
          legend: LEGEND,
          tooltip: datumTip((d: DistributionDatum) => (
            <AgainstBaseTip
              title={d.range}
              segmentName={segmentName}
              segment={`${formatShare(d.share)} (${d.customers.toLocaleString("en-GB")})`}
              base={`${formatShare(d.baseShare)} (${d.baseCustomers.toLocaleString("en-GB")})`}
            />
          )),
        }}
      />
    </div>
  );
}
