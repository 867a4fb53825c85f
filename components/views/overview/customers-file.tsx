import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { categoryColour } from "@/components/charts/palette";
import { AgeBandChart, ChannelGenderChart, CountryFrequencyChart, GenderChart, LocationChart } from "@/components/overview/demographics-charts";
import { Histogram } from "@/components/overview/histogram";
import { ShowSql } from "@/components/show-sql";
import { CorrelationMatrix } from "@/components/overview/correlation-matrix";
import { Crosstab } from "@/components/overview/crosstab";
import { CustomerColumnsTable } from "@/components/overview/customer-columns-table";
import { formatInteger } from "@/lib/format";
import type { OverviewPage } from "@/lib/services/overview-page";

/**
 * The overview's customers file: every column with its kind, gaps and spread, the correlations of its
 * numbers, and the charts of age, gender, location and channel it has data for; or how to add one.
 * `setKind`: the server action that changes a column's kind (absent on a share link).
 */
export function OverviewCustomersFile({ page, shared, setKind }: { page: OverviewPage; shared: boolean; setKind?: (datasetId: number, key: string, kind: string) => Promise<{ ok: boolean; message: string | null }> }) {
  const { dataset, overview: o, sql: OVERVIEW_SQL, customersFile: file } = page;
  const d = o.demographics;
  // A chart the file has no data for is left out (a file without ages draws no age chart), not drawn empty.
  const known = (v: string | null) => v !== null && v !== "Unknown" && v !== "Unspecified";
  const show = {
    ages: d.ages === null || d.ages.some((b) => b.bin !== null && b.customers > 0),
    genders: d.genders === null || d.genders.some((g) => known(g.gender)),
    locations: d.locations === null || d.locations.some((l) => known(l.country)),
    ageBands: page.purchases && (d.ageBands === null || d.ageBands.some((b) => b.buyers > 0 && (b.lower !== null || b.upper !== null))),
    countryFrequency: page.purchases,
    channels: d.channels === null || d.channels.some((c) => known(c.channel)),
  };
  const names = new Map((file.columns ?? []).map((c) => [c.key, c.name]));
  const bins: Record<string, NonNullable<typeof file.bins>> = {};
  for (const b of file.bins ?? []) (bins[b.key] ??= []).push(b);
  const numeric = new Set((file.correlations ?? []).map((r) => r.xKey));
  const categories = (file.columns ?? []).filter((c) => c.kind === "category" || c.kind === "yes_no").map((c) => c.name);
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
            <IfAllowed to="change">
              <p>
                <Link className="button primary" href={`/upload?dataset=${dataset.id}`}>
                  Upload a customers file
                </Link>
              </p>
            </IfAllowed>
          )}
        </div>
      ) : (
        <>
        <ChartCard
          id="customer-columns"
          wide
          title="Columns"
          description={
            <>
              Every column of the customers file: its kind (read from its values; change it if Segmenta misread it), how many customers have no value, how many
              distinct values it takes, and how they spread (numbers: a histogram of 12 equal bins, hover a bar; others: the most common values).
            </>
          }
          pending={file.columns === null}
          empty={file.columns?.length === 0 ? "The customers file has no column besides the customer id." : undefined}
          sql={
            <>
              <ShowSql name="customer-columns" id={dataset.id} />
              <ShowSql name="customer-column-bins" id={dataset.id} label="Show SQL: the histograms" />
            </>
          }
        >
          {file.columns && <CustomerColumnsTable columns={file.columns} bins={bins} setKind={setKind && !shared ? setKind.bind(null, dataset.id) : undefined} />}
        </ChartCard>

        {(file.correlations === null || numeric.size > 1) && (
          <ChartCard
            id="correlations"
            wide
            title="How the numbers move together"
            description="Pearson's correlation of every two number columns, over the customers with a value in both: blue, they rise together; orange, one rises as the other falls; darker is stronger. Hover for the count."
            pending={file.correlations === null}
            sql={<ShowSql name="customer-correlations" id={dataset.id} />}
          >
            {file.correlations && <CorrelationMatrix rows={file.correlations} names={names} />}
          </ChartCard>
        )}

        {file.crosstab ? (
          <ChartCard
            id="crosstab"
            wide
            title="Two columns against each other"
            description="Customers per pair of values of two category or yes/no columns; each cell's share of its row (shaded), with the count. Hover for its share of the column. Choose other columns above the table."
            sql={
              <>
                <ShowSql name="customer-crosstab" id={dataset.id} />
                <p className="small muted">
                  With <code>-v pair=&apos;{JSON.stringify([file.crosstab.x.key, file.crosstab.y.key])}&apos;</code> for these two columns.
                </p>
              </>
            }
          >
            <Crosstab options={categories} x={file.crosstab.x.name} y={file.crosstab.y.name} cells={file.crosstab.cells} action={shared ? "" : `/datasets/${dataset.id}`} />
          </ChartCard>
        ) : (
          categories.length > 1 &&
          !shared && (
            // No pair to draw yet (the file's categories have many values each): the chooser alone, not an empty chart.
            <section className="card" id="crosstab" aria-labelledby="crosstab-title">
              <h2 id="crosstab-title">Two columns against each other</h2>
              <Crosstab options={categories} x={null} y={null} cells={null} action={`/datasets/${dataset.id}`} />
            </section>
          )
        )}

        <div className="grid-2" data-testid="demographics">
          {show.ages && <ChartCard
            id="ages"
            title="Age"
            description="Customers on file per age, in 5-year bins (years); customers without an age are the last bar."
            pending={d.ages === null}
            empty={d.ages?.length === 0 ? "No ages in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.ages} id={dataset.id} />}
          >
            {d.ages && <Histogram id="age" bins={d.ages.map((b) => ({ ...b, count: b.customers, share: b.customerShare }))} kind="years" counted="Customers" xLabel="Age (years)" colour={categoryColour(2)} />}
          </ChartCard>}

          {show.genders && <ChartCard
            id="genders"
            title="Gender"
            description="Share of customers on file and share of revenue per gender, as written in the file (%)."
            pending={d.genders === null}
            empty={d.genders?.length === 0 ? "No genders in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.genders} id={dataset.id} />}
          >
            {d.genders && <GenderChart genders={d.genders} />}
          </ChartCard>}

          {show.locations && <ChartCard
            id="locations"
            title="Where customers live"
            description="Customers on file per country of the customers file (top 15, then Other). Hover a bar for its biggest cities."
            pending={d.locations === null}
            empty={d.locations?.length === 0 ? "No countries in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.locations} id={dataset.id} />}
          >
            {d.locations && <LocationChart locations={d.locations} />}
            {d.locations && <TopCities locations={d.locations} />}
          </ChartCard>}

          {show.ageBands && <ChartCard
            id="spend-by-age"
            title="Spend by age band"
            description="Mean and median spend per buyer (file currency) by age band. A mean far above the median means a few big spenders."
            pending={d.ageBands === null}
            empty={d.ageBands?.length === 0 ? "No ages in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.ageBands} id={dataset.id} />}
          >
            {d.ageBands && <AgeBandChart bands={d.ageBands} />}
          </ChartCard>}

          {show.countryFrequency && <ChartCard
            id="frequency-by-country"
            title="Orders per buyer by country"
            description="Mean and median orders per buyer by the customer's country on file (top 15 by buyers). Hover for the share who came back."
            pending={d.countryFrequency === null}
            empty={d.countryFrequency?.length === 0 ? "None of the customers on file has an order yet." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.countryFrequency} id={dataset.id} />}
          >
            {d.countryFrequency && <CountryFrequencyChart rows={d.countryFrequency} />}
          </ChartCard>}

          {show.channels && <ChartCard
            id="channel-by-gender"
            title="Preferred channel by gender"
            description="Share of each gender's customers per preferred channel (the file's channel column, %)."
            pending={d.channels === null}
            empty={d.channels?.length === 0 ? "No channel in the customers file." : undefined}
            sql={<ShowSql name={OVERVIEW_SQL.channels} id={dataset.id} />}
          >
            {d.channels && <ChannelGenderChart rows={d.channels} />}
          </ChartCard>}
        </div>
        </>
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
