import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { categoryColour } from "@/components/charts/palette";
import { AgeBandChart, ChannelGenderChart, CountryFrequencyChart, GenderChart, LocationChart } from "@/components/overview/demographics-charts";
import { Histogram } from "@/components/overview/histogram";
import { ShowSql } from "@/components/show-sql";
import { formatInteger } from "@/lib/format";
import type { OverviewPage } from "@/lib/services/overview-page";

/** The overview's customers-file charts (age, gender, location, channel), or how to add a customers file. */
export function OverviewCustomersFile({ page, shared }: { page: OverviewPage; shared: boolean }) {
  const { dataset, overview: o, sql: OVERVIEW_SQL } = page;
  const d = o.demographics;
  return (
    <>
      <h2 className="overview-section">Customers file</h2>
      {dataset.customersOnFile === 0 ? (
        <div className="empty demographics-empty" data-testid="demographics-empty">
          <p>
            <strong>No customers file yet.</strong> Age, gender, location and channel come from a customers file (one row per customer id, with any of age,
            gender, country, city, channel).
          </p>
          {!shared && (
            <p>
              <Link className="button primary" href={`/upload?dataset=${dataset.id}`}>
                Upload a customers file
              </Link>
            </p>
          )}
        </div>
      ) : (
        <div className="grid-2" data-testid="demographics">
          <ChartCard
            id="ages"
            title="Age"
            description="Customers on file per age, in 5-year bins (years); customers without an age are the last bar."
            pending={d.ages === null}
            empty={d.ages?.length === 0 ? "No ages in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.ages} id={dataset.id} />}
          >
            {d.ages && <Histogram id="age" bins={d.ages.map((b) => ({ ...b, count: b.customers, share: b.customerShare }))} kind="years" counted="Customers" xLabel="Age (years)" colour={categoryColour(2)} />}
          </ChartCard>

          <ChartCard
            id="genders"
            title="Gender"
            description="Share of customers on file and share of revenue per gender, as written in the file (%)."
            pending={d.genders === null}
            empty={d.genders?.length === 0 ? "No genders in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.genders} id={dataset.id} />}
          >
            {d.genders && <GenderChart genders={d.genders} />}
          </ChartCard>

          <ChartCard
            id="locations"
            title="Where customers live"
            description="Customers on file per country of the customers file (top 15, then Other). Hover a bar for its biggest cities."
            pending={d.locations === null}
            empty={d.locations?.length === 0 ? "No countries in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.locations} id={dataset.id} />}
          >
            {d.locations && <LocationChart locations={d.locations} />}
            {d.locations && <TopCities locations={d.locations} />}
          </ChartCard>

          <ChartCard
            id="spend-by-age"
            title="Spend by age band"
            description="Mean and median spend per buyer (file currency) by age band. A mean far above the median means a few big spenders."
            pending={d.ageBands === null}
            empty={d.ageBands?.length === 0 ? "No ages in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.ageBands} id={dataset.id} />}
          >
            {d.ageBands && <AgeBandChart bands={d.ageBands} />}
          </ChartCard>

          <ChartCard
            id="frequency-by-country"
            title="Orders per buyer by country"
            description="Mean and median orders per buyer by the customer's country on file (top 15 by buyers). Hover for the share who came back."
            pending={d.countryFrequency === null}
            empty={d.countryFrequency?.length === 0 ? "None of the customers on file has an order yet." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.countryFrequency} id={dataset.id} />}
          >
            {d.countryFrequency && <CountryFrequencyChart rows={d.countryFrequency} />}
          </ChartCard>

          <ChartCard
            id="channel-by-gender"
            title="Preferred channel by gender"
            description="Share of each gender's customers per preferred channel (the file's channel column, %)."
            pending={d.channels === null}
            empty={d.channels?.length === 0 ? "No channel in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.channels} id={dataset.id} />}
          >
            {d.channels && <ChannelGenderChart rows={d.channels} />}
          </ChartCard>
        </div>
      )}
    </>
  );
}

function TopCities({ locations }: { locations: { country: string; city: string | null; customers: number }[] }) {
  const cities = locations
    .filter((l) => l.city !== null)
    .sort((a, b) => b.customers - a.customers)
    .slice(0, 8);
  if (!cities.length) return null;
  return (
    <p className="small muted top-cities">
      Biggest cities:{" "}
      {cities.map((c, i) => (
        <span key={`${c.country}/${c.city}`}>
          {i > 0 && " · "}
          {c.city} ({c.country}) {formatInteger(c.customers)}
        </span>
      ))}
    </p>
  );
}
