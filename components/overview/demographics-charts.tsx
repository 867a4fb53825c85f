/* eslint-disable max-lines -- five small demographic charts side by side, each with its tooltip and its static drawing (components/charts/static-chart.tsx). */
"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatDecimal, formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { ChannelGenderRow } from "@/lib/queries/channel-by-gender";
import type { CountryFrequencyRow } from "@/lib/queries/frequency-by-country";
import type { GenderRow } from "@/lib/queries/gender-split";
import type { LocationRow } from "@/lib/queries/customer-locations";
import type { AgeBandRow } from "@/lib/queries/spend-by-age-band";
import { AXIS_FONT, axisNumber, TipBox, truncate } from "@/components/charts/tooltip";
import { CategoryTick } from "@/components/charts/category-tick";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticChart } from "@/components/charts/static-chart";

const CURSOR = { fill: "rgb(79 70 229 / 8%)" };
const LEGEND = { verticalAlign: "top", height: 28, iconSize: 12, wrapperStyle: { fontSize: 13 }, itemSorter: null } as const;
const GENDER_NAMES: Record<string, string> = { F: "Female (F)", M: "Male (M)" };
const genderName = (g: string) => GENDER_NAMES[g] ?? g;

/** Gender split: share of customers on file next to share of revenue, per gender. */
export function GenderChart({ genders }: { genders: GenderRow[] }) {
  const data = genders.map((g) => ({ ...g, label: genderName(g.gender) }));
  return (
    <div data-testid="gender-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Share of customers on file and of revenue by gender",
              height: 260,
              margin: { top: 4, right: 8, bottom: 8, left: 8 },
              layout: "columns",
              categories: data.map((g) => truncate(g.label, 14)),
              valueAxis: { size: 56, format: (v) => formatShare(v, 0), label: "Share (%)" },
              bars: [
                { name: "Customers on file", colour: categoryColour(0), values: data.map((g) => g.customerShare) },
                { name: "Revenue", colour: categoryColour(1), values: data.map((g) => g.revenueShare) },
              ],
              legend: [
                { name: "Customers on file", colour: categoryColour(0) },
                { name: "Revenue", colour: categoryColour(1) },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="label" fontSize={AXIS_FONT} interval={0} tickFormatter={(v: string) => truncate(v, 14)} />
            <YAxis
              niceTicks="snap125"
              fontSize={AXIS_FONT}
              width={56}
              domain={[0, "auto"]}
              tickFormatter={(v: number) => formatShare(v, 0)}
              label={{ value: "Share (%)", angle: -90, position: "insideLeft", fontSize: AXIS_FONT, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props: TooltipContentProps) => <GenderTip {...props} />} cursor={CURSOR} />
            <Legend {...LEGEND} />
            <Bar dataKey="customerShare" name="Customers on file" fill={categoryColour(0)} isAnimationActive={false} />
            <Bar dataKey="revenueShare" name="Revenue" fill={categoryColour(1)} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function GenderTip({ active, payload }: TooltipContentProps) {
  const g = payload?.[0]?.payload as GenderRow | undefined;
  if (!active || !g) return null;
  return (
    <TipBox
      title={genderName(g.gender)}
      rows={[
        ["Customers on file", `${formatInteger(g.customers)} (${formatShare(g.customerShare)})`, categoryColour(0)],
        ["Revenue", `${formatMoney(g.revenue)} (${formatShare(g.revenueShare)})`, categoryColour(1)],
        ["Buyers", formatInteger(g.buyers)],
        ["Spend per buyer", g.spendPerBuyer === null ? "–" : formatMoney(g.spendPerBuyer)],
      ]}
    />
  );
}

/** Customers on file per country (horizontal bars); the tooltip lists the country's biggest cities. */
export function LocationChart({ locations }: { locations: LocationRow[] }) {
  const countries = locations.filter((l) => l.city === null);
  const cities = new Map<number, LocationRow[]>();
  for (const l of locations) if (l.city !== null) cities.set(l.rank, [...(cities.get(l.rank) ?? []), l]);
  const data = countries.map((c) => ({ ...c, label: c.country === "Other" ? `Other (${c.countries})` : c.country, topCities: cities.get(c.rank) ?? [] }));
  return (
    <div data-testid="location-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Customers on file by country",
              height: Math.max(200, data.length * 30 + 60),
              margin: { top: 4, right: 16, bottom: 20, left: 4 },
              layout: "rows",
              categories: data.map((c) => c.label),
              xAxis: { size: 112, chars: 16 },
              valueAxis: { format: axisNumber, integer: true, label: "Customers on file" },
              bars: [{ name: "Customers", colour: categoryColour(2), values: data.map((c) => c.customers) }],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(200, data.length * 30 + 60)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 20, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              niceTicks="snap125"
              fontSize={AXIS_FONT}
              allowDecimals={false}
              tickFormatter={axisNumber}
              label={{ value: "Customers on file", position: "insideBottom", offset: -12, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="label" width={112} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={16} />} />
            <Tooltip content={(props: TooltipContentProps) => <LocationTip {...props} />} cursor={CURSOR} />
            <Bar dataKey="customers" name="Customers" fill={categoryColour(2)} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function LocationTip({ active, payload }: TooltipContentProps) {
  const c = payload?.[0]?.payload as (LocationRow & { topCities: LocationRow[] }) | undefined;
  if (!active || !c) return null;
  return (
    <TipBox
      title={c.country === "Other" ? `Other: ${c.countries} countries` : c.country}
      rows={[
        ["Customers", `${formatInteger(c.customers)} (${formatShare(c.customerShare)})`, categoryColour(2)],
        ["Cities", formatInteger(c.cities)],
        ...c.topCities.slice(0, 5).map((city) => [`· ${city.city}`, formatInteger(city.customers)] as [string, string]),
      ]}
    />
  );
}

/** Mean and median spend per buyer by age band. */
export function AgeBandChart({ bands }: { bands: AgeBandRow[] }) {
  return (
    <div data-testid="age-band-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Mean and median spend per buyer by age band",
              height: 260,
              margin: { top: 4, right: 8, bottom: 20, left: 8 },
              layout: "columns",
              categories: bands.map((b) => b.band),
              xAxis: { label: "Age band (years)" },
              valueAxis: { size: 56, format: axisNumber, label: "Spend per buyer" },
              bars: [
                { name: "Mean spend", colour: categoryColour(0), values: bands.map((b) => b.meanSpend) },
                { name: "Median spend", colour: categoryColour(4), values: bands.map((b) => b.medianSpend) },
              ],
              legend: [
                { name: "Mean spend", colour: categoryColour(0) },
                { name: "Median spend", colour: categoryColour(4) },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={bands} margin={{ top: 4, right: 8, bottom: 20, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="band" fontSize={AXIS_FONT} interval={0} label={{ value: "Age band (years)", position: "insideBottom", offset: -12, fontSize: AXIS_FONT }} />
            <YAxis
              niceTicks="snap125"
              fontSize={AXIS_FONT}
              width={56}
              tickFormatter={axisNumber}
              label={{ value: "Spend per buyer", angle: -90, position: "insideLeft", fontSize: AXIS_FONT, style: { textAnchor: "middle" } }}
            />
            <Tooltip content={(props: TooltipContentProps) => <AgeBandTip {...props} />} cursor={CURSOR} />
            <Legend {...LEGEND} />
            <Bar dataKey="meanSpend" name="Mean spend" fill={categoryColour(0)} isAnimationActive={false} />
            <Bar dataKey="medianSpend" name="Median spend" fill={categoryColour(4)} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function AgeBandTip({ active, payload }: TooltipContentProps) {
  const b = payload?.[0]?.payload as AgeBandRow | undefined;
  if (!active || !b) return null;
  const money = (v: number | null) => (v === null ? "–" : formatMoney(v));
  return (
    <TipBox
      title={b.band === "Unknown" ? "Age not given" : `Aged ${b.band}`}
      rows={[
        ["Mean spend per buyer", money(b.meanSpend), categoryColour(0)],
        ["Median spend per buyer", money(b.medianSpend), categoryColour(4)],
        ["Customers on file", formatInteger(b.customers)],
        ["Buyers", formatInteger(b.buyers)],
        ["Revenue", `${formatMoney(b.revenue)} (${formatShare(b.revenueShare)})`],
      ]}
    />
  );
}

/** Mean and median orders per buyer by the customers file's country (horizontal bars). */
export function CountryFrequencyChart({ rows }: { rows: CountryFrequencyRow[] }) {
  const data = rows.map((r) => ({ ...r, label: r.country === "Other" ? `Other (${r.countries})` : r.country }));
  return (
    <div data-testid="country-frequency-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Mean and median orders per buyer by country",
              height: Math.max(220, data.length * 36 + 90),
              margin: { top: 4, right: 16, bottom: 20, left: 4 },
              layout: "rows",
              categories: data.map((r) => r.label),
              xAxis: { size: 112, chars: 16 },
              valueAxis: { label: "Orders per buyer" },
              bars: [
                { name: "Mean orders", colour: categoryColour(0), values: data.map((r) => r.meanOrders) },
                { name: "Median orders", colour: categoryColour(4), values: data.map((r) => r.medianOrders) },
              ],
              legend: [
                { name: "Mean orders", colour: categoryColour(0) },
                { name: "Median orders", colour: categoryColour(4) },
              ],
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(220, data.length * 36 + 90)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 20, left: 4 }} barGap={1}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis type="number" niceTicks="snap125" fontSize={AXIS_FONT} label={{ value: "Orders per buyer", position: "insideBottom", offset: -12, fontSize: AXIS_FONT }} />
            <YAxis type="category" dataKey="label" width={112} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={16} />} />
            <Tooltip content={(props: TooltipContentProps) => <CountryFrequencyTip {...props} />} cursor={CURSOR} />
            <Legend {...LEGEND} />
            <Bar dataKey="meanOrders" name="Mean orders" fill={categoryColour(0)} isAnimationActive={false} />
            <Bar dataKey="medianOrders" name="Median orders" fill={categoryColour(4)} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function CountryFrequencyTip({ active, payload }: TooltipContentProps) {
  const r = payload?.[0]?.payload as CountryFrequencyRow | undefined;
  if (!active || !r) return null;
  return (
    <TipBox
      title={r.country === "Other" ? `Other: ${r.countries} countries` : r.country}
      rows={[
        ["Mean orders per buyer", formatDecimal(r.meanOrders, 2), categoryColour(0)],
        ["Median orders per buyer", formatDecimal(r.medianOrders, 1), categoryColour(4)],
        ["Came back (2+ orders)", formatShare(r.repeatShare)],
        ["Buyers", formatInteger(r.buyers)],
        ["Spend per buyer", formatMoney(r.spendPerBuyer)],
      ]}
    />
  );
}

/** Preferred channel within each gender: 100% stacked horizontal bars. */
export function ChannelGenderChart({ rows }: { rows: ChannelGenderRow[] }) {
  const channels = [...new Map(rows.map((r) => [r.channel, r.channelCustomers])).entries()].sort((a, b) => (a[0] === "Unknown" ? 1 : b[0] === "Unknown" ? -1 : b[1] - a[1])).map(([c]) => c);
  const genders = [...new Set(rows.map((r) => r.gender))];
  const data = genders.map((g) => {
    const own = rows.filter((r) => r.gender === g);
    return {
      gender: g,
      label: genderName(g),
      customers: own[0]?.genderCustomers ?? 0,
      rows: own,
      shares: Object.fromEntries(own.map((r) => [r.channel, r.genderShare])) as Record<string, number>,
    };
  });
  return (
    <div data-testid="channel-gender-chart">
      <LazyChart
        drawing={
          <StaticChart
            spec={{
              title: "Preferred channel within each gender (share of the gender's customers)",
              height: Math.max(200, genders.length * 48 + 100),
              margin: { top: 4, right: 16, bottom: 20, left: 4 },
              layout: "rows",
              categories: data.map((d) => d.label),
              xAxis: { size: 96, chars: 13 },
              valueAxis: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], format: (v) => formatShare(v, 0), label: "Share of the gender's customers (%)" },
              bars: channels.map((c, i) => ({ name: c, colour: c === "Unknown" ? "#999999" : categoryColour(i), values: data.map((d) => d.shares[c] ?? 0), stack: "channel" })),
              legend: channels.map((c, i) => ({ name: c, colour: c === "Unknown" ? "#999999" : categoryColour(i) })),
            }}
          />
        }
      >
        <ResponsiveContainer width="100%" height={Math.max(200, genders.length * 48 + 100)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 20, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
            <XAxis
              type="number"
              niceTicks="snap125"
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={(v: number) => formatShare(v, 0)}
              fontSize={AXIS_FONT}
              label={{ value: "Share of the gender's customers (%)", position: "insideBottom", offset: -12, fontSize: AXIS_FONT }}
            />
            <YAxis type="category" dataKey="label" width={96} fontSize={AXIS_FONT} interval={0} tick={<CategoryTick chars={13} />} />
            <Tooltip content={(props: TooltipContentProps) => <ChannelTip {...props} channels={channels} />} cursor={CURSOR} />
            <Legend {...LEGEND} />
            {channels.map((c, i) => (
              <Bar key={c} dataKey={(d: { shares: Record<string, number> }) => d.shares[c] ?? 0} name={c} stackId="channel" fill={c === "Unknown" ? "#999999" : categoryColour(i)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </LazyChart>
    </div>
  );
}

function ChannelTip({ active, payload, channels }: TooltipContentProps & { channels: string[] }) {
  const d = payload?.[0]?.payload as { label: string; customers: number; rows: ChannelGenderRow[] } | undefined;
  if (!active || !d) return null;
  return (
    <TipBox
      title={`${d.label}: ${formatInteger(d.customers)} customers`}
      rows={channels.map((c, i) => {
        const r = d.rows.find((x) => x.channel === c);
        return [c, r ? `${formatInteger(r.customers)} (${formatShare(r.genderShare)})` : "0", c === "Unknown" ? "#999999" : categoryColour(i)];
      })}
    />
  );
}
