"use client";

import { categoryColour } from "@/components/charts/palette";
import { formatDay, formatInteger, formatMoney, formatMonth, moneyLabel } from "@/lib/format";
import type { PeriodRow } from "@/lib/queries/revenue-over-time";
import { axisNumber, datumTip, TipBox } from "@/components/charts/tooltip";
import { SpecChart } from "@/components/charts/recharts-from-spec";

const ORDERS = categoryColour(0);
const REVENUE = categoryColour(1);

/** Orders (bars, left axis) and revenue (line, right axis) per month or week; periods the data covers in part are drawn pale. */
export function TimeSeriesChart({ periods, grain, currency = null }: { periods: PeriodRow[]; grain: "month" | "week"; /** ISO 4217, or null. */ currency?: string | null }) {
  // Every tick names its year ("Jan ’24"), so whichever ticks the axis keeps read on their own; weeks by their Monday.
  const tick = (p: string) => (grain === "week" ? formatDay(p) : `${formatMonth(p).slice(0, -5)} ’${p.slice(2, 4)}`);
  return (
    <div data-testid="time-series" data-grain={grain} data-periods={periods.length}>
      <SpecChart
        spec={{
          title: `Orders and revenue per ${grain}, ${periods.length} ${grain}s`,
          height: 300,
          margin: { top: 8, right: 8, bottom: 8, left: 8 },
          layout: "columns",
          data: periods,
          x: { key: "period", format: tick, minTickGap: grain === "month" ? 6 : 24 },
          y: { size: 64, format: axisNumber, integer: true, label: "Orders" },
          right: { size: 64, format: axisNumber, label: moneyLabel("Revenue", currency ?? "file currency") },
          bars: [{ value: "orders", name: "Orders", colour: ORDERS, opacityOf: (p) => (p.partial ? 0.35 : 0.85) }],
          lines: [{ value: "revenue", name: "Revenue", colour: REVENUE, right: true, dot: periods.length <= 36 ? 3 : undefined }],
          legend: {},
          tooltip: datumTip((p: PeriodRow) => <PeriodTip p={p} grain={grain} currency={currency} />),
        }}
      />
    </div>
  );
}

function PeriodTip({ p, grain, currency }: { p: PeriodRow; grain: "month" | "week"; currency: string | null }) {
  const title = grain === "month" ? formatMonth(p.period) : `Week of ${formatDay(p.period)}`;
  return (
    <TipBox
      title={title}
      rows={[
        ["Orders", formatInteger(p.orders), ORDERS],
        ["Revenue", formatMoney(p.revenue, currency), REVENUE],
        ["Customers", formatInteger(p.customers)],
        ["Average order", p.averageOrderValue === null ? "–" : formatMoney(p.averageOrderValue, currency)],
      ]}
      note={p.partial ? `Partial ${grain}: data from ${formatDay(p.coveredFrom)} to ${formatDay(p.coveredTo)} only.` : undefined}
    />
  );
}
