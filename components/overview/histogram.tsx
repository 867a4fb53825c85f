"use client";

import { categoryColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import { binEdgesText, binLabel, type BinKind } from "./bins";
import { axisNumber, datumTip, TipBox } from "@/components/charts/tooltip";
import { SpecChart } from "@/components/charts/recharts-from-spec";

/** A bin as the histogram draws it: count and share of the units counted (orders or customers), and optionally the revenue they bring. */
export interface HistogramBin {
  lower: number | null;
  upper: number | null;
  count: number;
  share: number;
  revenue?: number;
  revenueShare?: number | null;
}

/**
 * A histogram of bins [lower, upper) of unequal widths (log-ish or capped),
 * drawn as equal-width bars labelled by their edges; the tooltip says the
 * exact edges, the count, its share, and the revenue of the bin.
 */
export function Histogram({
  id,
  bins,
  kind,
  counted,
  xLabel,
  unit,
  colour = categoryColour(0),
  currency = null,
}: {
  /** The currency of the bins' revenue (ISO 4217), or null. */
  currency?: string | null;
  id: string;
  bins: HistogramBin[];
  kind: BinKind;
  /** What the bars count: "Orders", "Customers". */
  counted: string;
  /** The x axis title, with its unit. */
  xLabel: string;
  /** Singular and plural of the measure's unit for the tooltip ("line item", "line items"). */
  unit?: [string, string];
  colour?: string;
}) {
  const data = bins.map((b) => ({ ...b, label: binLabel(b, kind) }));
  return (
    <div data-testid={`histogram-${id}`} data-bins={bins.length}>
      <SpecChart
        spec={{
          title: `${counted} by ${xLabel}: a histogram of ${bins.length} bins`,
          height: 280,
          margin: { top: 8, right: 8, bottom: 24, left: 8 },
          layout: "columns",
          data,
          x: { key: "label", size: 58, rotate: true, minTickGap: 2, label: xLabel, labelOffset: -18 },
          y: { size: 56, format: axisNumber, integer: true, label: counted },
          bars: [{ value: "count", name: counted, colour }],
          categoryGap: 2,
          tooltip: datumTip((b: (typeof data)[number]) => <BinTip b={b} kind={kind} counted={counted} unit={unit} colour={colour} currency={currency} />),
        }}
      />
    </div>
  );
}

function BinTip({ b, kind, counted, unit, colour, currency }: { b: HistogramBin & { label: string }; kind: BinKind; counted: string; unit?: [string, string]; colour: string; currency: string | null }) {
  const rows: [string, string, string?][] = [[counted, `${formatInteger(b.count)} (${formatShare(b.share)})`, colour]];
  if (b.revenue !== undefined) rows.push(["Revenue", `${formatMoney(b.revenue, currency)} (${formatShare(b.revenueShare ?? null)})`]);
  return <TipBox title={b.label} rows={rows} note={`Bin: ${binEdgesText(b, kind, unit)}.`} />;
}
