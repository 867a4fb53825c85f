"use client";

import { categoryColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { CountryTotalRow } from "@/lib/queries/country-totals";
import { datumTip, TipBox } from "@/components/charts/tooltip";
import { SpecChart } from "@/components/charts/recharts-from-spec";
import { countryRows, countryTitle } from "@/components/charts/chart-spec";

const REVENUE = categoryColour(1);
const ORDERS = categoryColour(0);

/**
 * Countries as horizontal bars: share of revenue and share of orders side by
 * side on one % axis, each bar labelled with its share (one country often
 * dominates, leaving the others' bars thin); the tooltip has the amounts.
 */
export function CountryChart({ countries, currency = null }: { countries: CountryTotalRow[]; currency?: string | null }) {
  const top = Math.max(0.01, ...countries.map((c) => Math.max(c.revenueShare ?? 0, c.orderShare ?? 0)));
  const label = (v: number) => formatShare(v, v < 0.1 ? 1 : 0);
  return (
    <div data-testid="country-chart" data-countries={countries.length}>
      <SpecChart
        spec={{
          ...countryRows(countries, { rowHeight: 34, legend: true, labelWidth: 136, chars: 19, right: 36 }),
          title: "Share of revenue and of orders by country",
          y: { domain: [0, Math.min(1, top * 1.12)], format: (v) => formatShare(v, 0), label: "Share of the dataset's total (%)" },
          bars: [
            { value: "revenueShare", name: "Revenue", colour: REVENUE, label },
            { value: "orderShare", name: "Orders", colour: ORDERS, label },
          ],
          categoryGap: "16%",
          barGap: 1,
          tooltip: datumTip((c: CountryTotalRow) => <CountryTip c={c} currency={currency} />),
        }}
      />
    </div>
  );
}

function CountryTip({ c, currency }: { c: CountryTotalRow; currency: string | null }) {
  return (
    <TipBox
      title={countryTitle(c)}
      rows={[
        ["Revenue", `${formatMoney(c.revenue, currency)} (${formatShare(c.revenueShare)})`, REVENUE],
        ["Orders", `${formatInteger(c.orders)} (${formatShare(c.orderShare)})`, ORDERS],
        ["Customers", formatInteger(c.customers)],
        ["Average order", c.orders ? formatMoney(c.revenue / c.orders, currency) : "–"],
      ]}
    />
  );
}
