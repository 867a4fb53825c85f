"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, Rectangle, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps, type TooltipContentProps } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatDay, formatInteger, formatMoney, formatMonth, moneyLabel } from "@/lib/format";
import type { PeriodRow } from "@/lib/queries/revenue-over-time";
import { AXIS_FONT, axisNumber, TipBox } from "@/components/charts/tooltip";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

const ORDERS = categoryColour(0);
const REVENUE = categoryColour(1);

/** Orders (bars, left axis) and revenue (line, right axis) per month or week; periods the data covers in part are drawn pale. */
export function TimeSeriesChart({ periods, grain, currency = null }: { periods: PeriodRow[]; grain: "month" | "week"; /** ISO 4217, or null. */ currency?: string | null }) {
  // Every tick names its year ("Jan ’24"), so whichever ticks the axis keeps read on their own; weeks by their Monday.
  const tick = (p: string) => (grain === "week" ? formatDay(p) : `${formatMonth(p).slice(0, -5)} ’${p.slice(2, 4)}`);
  return (
    <div data-testid="time-series" data-grain={grain} data-periods={periods.length}>
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: `Orders and revenue per ${grain}, ${periods.length} ${grain}s`,
              height: 300,
              margin: { top: 8, right: 8, bottom: 8, left: 8 },
              layout: "columns",
              categories: periods.map((p) => tick(p.period)),
              valueAxis: { size: 64, format: axisNumber, integer: true, label: "Orders" },
              rightAxis: { size: 64, format: axisNumber, label: moneyLabel("Revenue", currency ?? "file currency") },
              bars: [{ name: "Orders", colour: ORDERS, values: periods.map((p) => p.orders), opacities: periods.map((p) => (p.partial ? 0.35 : 0.85)) }],
              lines: [{ name: "Revenue", colour: REVENUE, values: periods.map((p) => p.revenue), right: true, dot: periods.length <= 36 ? 3 : 0 }],
              legend: [
                { name: "Orders", colour: ORDERS },
                { name: "Revenue", colour: REVENUE },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={300}>
          <ComposedChart data={periods} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="period" tickFormatter={tick} fontSize={AXIS_FONT} minTickGap={grain === "month" ? 6 : 24} interval="preserveStartEnd" />
            <YAxis
              niceTicks="snap125"
              yAxisId="orders"
              fontSize={AXIS_FONT}
              width={64}
              tickFormatter={axisNumber}
              allowDecimals={false}
              label={{ value: "Orders", angle: -90, position: "insideLeft", fontSize: AXIS_FONT, style: { textAnchor: "middle" } }}
            />
            <YAxis
              niceTicks="snap125"
              yAxisId="revenue"
              orientation="right"
              fontSize={AXIS_FONT}
              width={64}
              tickFormatter={axisNumber}
              label={{ value: moneyLabel("Revenue", currency ?? "file currency"), angle: 90, position: "insideRight", fontSize: AXIS_FONT, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props: TooltipContentProps) => <PeriodTip {...props} grain={grain} currency={currency} />} cursor={{ fill: "rgb(79 70 229 / 8%)" }} />
            <Legend verticalAlign="top" height={28} iconSize={12} wrapperStyle={{ fontSize: 13 }} itemSorter={null} />
            <Bar
              yAxisId="orders"
              dataKey="orders"
              name="Orders"
              fill={ORDERS}
              isAnimationActive={false}
              shape={(props: BarShapeProps) => <Rectangle {...props} fillOpacity={(props.payload as PeriodRow | undefined)?.partial ? 0.35 : 0.85} />}
            />
            <Line yAxisId="revenue" dataKey="revenue" name="Revenue" stroke={REVENUE} strokeWidth={2} dot={periods.length <= 36 ? { r: 3 } : false} isAnimationActive={false} type="linear" />
          </ComposedChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function PeriodTip({ active, payload, grain, currency }: TooltipContentProps & { grain: "month" | "week"; currency: string | null }) {
  const p = payload?.[0]?.payload as PeriodRow | undefined;
  if (!active || !p) return null;
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
