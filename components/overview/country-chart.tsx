"use client";

import { Bar, BarChart, CartesianGrid, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { CountryTotalRow } from "@/lib/queries/country-totals";
import { AXIS_FONT, TipBox } from "@/components/charts/tooltip";
import { CategoryTick } from "@/components/charts/category-tick";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

const REVENUE = categoryColour(1);
const ORDERS = categoryColour(0);

/**
 * Countries as horizontal bars: share of revenue and share of orders side by
 * side on one % axis, each bar labelled with its share (one country often
 * dominates, leaving the others' bars thin); the tooltip has the amounts.
 */
export function CountryChart({ countries, currency = null }: { countries: CountryTotalRow[]; currency?: string | null }) {
  const data = countries.map((c) => ({ ...c, label: c.country === "Other" ? `Other (${c.countries})` : c.country }));
  const top = Math.max(0.01, ...countries.map((c) => Math.max(c.revenueShare ?? 0, c.orderShare ?? 0)));
  const label = (v: unknown) => (typeof v === "number" ? formatShare(v, v < 0.1 ? 1 : 0) : "");
  return (
    <div data-testid="country-chart" data-countries={countries.length}>
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Share of revenue and of orders by country",
              height: Math.max(220, data.length * 34 + 90),
              margin: { top: 4, right: 36, bottom: 20, left: 4 },
              layout: "rows",
              categories: data.map((c) => c.label),
              xAxis: { size: 136, chars: 19 },
              valueAxis: { domain: [0, Math.min(1, top * 1.12)], format: (v) => formatShare(v, 0), label: "Share of the dataset's total (%)" },
              bars: [
                { name: "Revenue", colour: REVENUE, values: data.map((c) => c.revenueShare), label },
                { name: "Orders", colour: ORDERS, values: data.map((c) => c.orderShare), label },
              ],
              bandPadding: 0.16,
              legend: [
                { name: "Revenue", colour: REVENUE },
                { name: "Orders", colour: ORDERS },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(220, data.length * 34 + 90)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 36, bottom: 20, left: 4 }} barGap={1} barCategoryGap="16%">
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              niceTicks="snap125"
              domain={[0, Math.min(1, top * 1.12)]}
              tickFormatter={(v: number) => formatShare(v, 0)}
              fontSize={AXIS_FONT}
              label={{ value: "Share of the dataset's total (%)", position: "insideBottom", offset: -12, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="label" width={136} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={19} />} />
            <Tooltip content={(props: TooltipContentProps) => <CountryTip {...props} currency={currency} />} cursor={{ fill: "rgb(79 70 229 / 8%)" }} />
            <Legend verticalAlign="top" height={28} iconSize={12} wrapperStyle={{ fontSize: 13 }} itemSorter={null} />
            <Bar dataKey="revenueShare" name="Revenue" fill={REVENUE} isAnimationActive={false}>
              <LabelList dataKey="revenueShare" position="right" fontSize={11} fill="#374151" formatter={label} />
            </Bar>
            <Bar dataKey="orderShare" name="Orders" fill={ORDERS} isAnimationActive={false}>
              <LabelList dataKey="orderShare" position="right" fontSize={11} fill="#374151" formatter={label} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function CountryTip({ active, payload, currency }: TooltipContentProps & { currency: string | null }) {
  const c = payload?.[0]?.payload as CountryTotalRow | undefined;
  if (!active || !c) return null;
  return (
    <TipBox
      title={c.country === "Other" ? `Other: ${c.countries} countries` : c.country}
      rows={[
        ["Revenue", `${formatMoney(c.revenue, currency)} (${formatShare(c.revenueShare)})`, REVENUE],
        ["Orders", `${formatInteger(c.orders)} (${formatShare(c.orderShare)})`, ORDERS],
        ["Customers", formatInteger(c.customers)],
        ["Average order", c.orders ? formatMoney(c.revenue / c.orders, currency) : "–"],
      ]}
    />
  );
}
