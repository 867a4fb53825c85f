"use client";

import { categoryColour } from "@/components/charts/palette";
import { formatDecimal, formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { ChannelGenderRow } from "@/lib/queries/channel-by-gender";
import type { CountryFrequencyRow } from "@/lib/queries/frequency-by-country";
import type { GenderRow } from "@/lib/queries/gender-split";
import type { LocationRow } from "@/lib/queries/customer-locations";
import type { AgeBandRow } from "@/lib/queries/spend-by-age-band";
import { axisNumber, datumTip, TipBox, truncate } from "@/components/charts/tooltip";
import { SpecChart } from "@/components/charts/recharts-from-spec";
import { countryRows, countryTitle } from "@/components/charts/chart-spec";

const GENDER_NAMES: Record<string, string> = { F: "Female (F)", M: "Male (M)" };
const genderName = (g: string) => GENDER_NAMES[g] ?? g;
const channelColour = (channel: string, i: number) => (channel === "Unknown" ? "#999999" : categoryColour(i));

/** Gender split: share of customers on file next to share of revenue, per gender. */
export function GenderChart({ genders }: { genders: GenderRow[] }) {
  const data = genders.map((g) => ({ ...g, label: genderName(g.gender) }));
  return (
    <div data-testid="gender-chart">
      <SpecChart
        spec={{
          title: "Share of customers on file and of revenue by gender",
          height: 260,
          margin: { top: 4, right: 8, bottom: 8, left: 8 },
          layout: "columns",
          data,
          x: { key: "label", format: (v: string) => truncate(v, 14) },
          y: { size: 56, format: (v) => formatShare(v, 0), label: "Share (%)" },
          bars: [
            { value: "customerShare", name: "Customers on file", colour: categoryColour(0) },
            { value: "revenueShare", name: "Revenue", colour: categoryColour(1) },
          ],
          legend: {},
          tooltip: datumTip((g: GenderRow) => <GenderTip g={g} />),
        }}
      />
    </div>
  );
}

function GenderTip({ g }: { g: GenderRow }) {
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
  return (
    <div data-testid="location-chart">
      <SpecChart
        spec={{
          ...countryRows(
            countries.map((c) => ({ ...c, topCities: cities.get(c.rank) ?? [] })),
            { rowHeight: 30 },
          ),
          title: "Customers on file by country",
          y: { format: axisNumber, integer: true, label: "Customers on file" },
          bars: [{ value: "customers", name: "Customers", colour: categoryColour(2) }],
          tooltip: datumTip((c: LocationRow & { topCities: LocationRow[] }) => <LocationTip c={c} />),
        }}
      />
    </div>
  );
}

function LocationTip({ c }: { c: LocationRow & { topCities: LocationRow[] } }) {
  return (
    <TipBox
      title={countryTitle(c)}
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
      <SpecChart
        spec={{
          title: "Mean and median spend per buyer by age band",
          height: 260,
          margin: { top: 4, right: 8, bottom: 20, left: 8 },
          layout: "columns",
          data: bands,
          x: { key: "band", label: "Age band (years)" },
          y: { size: 56, format: axisNumber, label: "Spend per buyer" },
          bars: [
            { value: "meanSpend", name: "Mean spend", colour: categoryColour(0) },
            { value: "medianSpend", name: "Median spend", colour: categoryColour(4) },
          ],
          legend: {},
          tooltip: datumTip((b: AgeBandRow) => <AgeBandTip b={b} />),
        }}
      />
    </div>
  );
}

function AgeBandTip({ b }: { b: AgeBandRow }) {
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
  return (
    <div data-testid="country-frequency-chart">
      <SpecChart
        spec={{
          ...countryRows(rows, { rowHeight: 36, legend: true }),
          title: "Mean and median orders per buyer by country",
          y: { label: "Orders per buyer" },
          bars: [
            { value: "meanOrders", name: "Mean orders", colour: categoryColour(0) },
            { value: "medianOrders", name: "Median orders", colour: categoryColour(4) },
          ],
          barGap: 1,
          tooltip: datumTip((r: CountryFrequencyRow) => <CountryFrequencyTip r={r} />),
        }}
      />
    </div>
  );
}

function CountryFrequencyTip({ r }: { r: CountryFrequencyRow }) {
  return (
    <TipBox
      title={countryTitle(r)}
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
      <SpecChart
        spec={{
          title: "Preferred channel within each gender (share of the gender's customers)",
          height: Math.max(200, genders.length * 48 + 100),
          margin: { top: 4, right: 16, bottom: 20, left: 4 },
          layout: "rows",
          data,
          x: { key: "label", size: 96, chars: 13 },
          y: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], format: (v) => formatShare(v, 0), label: "Share of the gender's customers (%)" },
          bars: channels.map((c, i) => ({ value: (d: (typeof data)[number]) => d.shares[c] ?? 0, name: c, colour: channelColour(c, i), stack: "channel" })),
          legend: {},
          tooltip: datumTip((d: (typeof data)[number]) => <ChannelTip d={d} channels={channels} />),
        }}
      />
    </div>
  );
}

function ChannelTip({ d, channels }: { d: { label: string; customers: number; rows: ChannelGenderRow[] }; channels: string[] }) {
  return (
    <TipBox
      title={`${d.label}: ${formatInteger(d.customers)} customers`}
      rows={channels.map((c, i) => {
        const r = d.rows.find((x) => x.channel === c);
        return [c, r ? `${formatInteger(r.customers)} (${formatShare(r.genderShare)})` : "0", channelColour(c, i)];
      })}
    />
  );
}
