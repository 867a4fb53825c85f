import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { categoryColour } from "@/components/charts/palette";
import { DatasetFigures } from "@/components/dataset-card";
import { DatasetTabs } from "@/components/dataset-tabs";
import { CohortHeatmap } from "@/components/overview/cohort-heatmap";
import { CountryChart } from "@/components/overview/country-chart";
import { Histogram, type HistogramBin } from "@/components/overview/histogram";
import { TimeSeriesChart } from "@/components/overview/time-series-chart";
import { TopProductsTable } from "@/components/overview/top-products-table";
import { ShowSql } from "@/components/show-sql";
import { formatDay, formatInteger, formatMonth } from "@/lib/format";
import type { Grain } from "@/lib/services/overview";
import type { OverviewPage } from "@/lib/services/overview-page";
import { ShareButton, SharedBadge } from "@/components/share/share-button";
import { OverviewCustomersFile } from "./overview/customers-file";
import { CurrencyPicker } from "@/components/overview/currency-picker";
import { currencyChoices } from "@/lib/currency";
import { OverviewDataQuality } from "./overview/data-quality";
import type { ViewAudience } from "./shared";
import { PreparationNote } from "@/components/preparation/preparation-note";

const CLEANING_NOTE = "Default cleaning: guest orders, cancellations, adjustments, non-product codes, free items and duplicates are left out.";

/** A dataset's overview: figures, cleaning, revenue over time, customers and products (its page loads them: getOverviewPage); `shared` for a share link. */
export function DatasetOverview({
  page,
  shared,
  createShare,
  setColumnKind,
  setCurrency,
}: {
  page: OverviewPage;
  setColumnKind?: (datasetId: number, key: string, kind: string) => Promise<{ ok: boolean; message: string | null }>;
  /** Changes the dataset's currency (absent on a share link). */
  setCurrency?: (datasetId: number, currency: string) => Promise<{ ok: boolean; message: string | null }>;
} & ViewAudience) {
  const { dataset, overview: o, grain, sql: OVERVIEW_SQL } = page;
  // Charts say the currency their amounts are in (or "the file's currency" when none is known).
  const inCurrency = dataset.currency ?? "the file's currency";
  const noOrders = <NoOrders datasetId={dataset.id} shared={!!shared} />;
  const hasOrders = o.periods?.some((p) => p.orders > 0) ?? false;
  const partial = o.periods?.filter((p) => p.partial && p.orders > 0) ?? [];
  const lastMonth = o.months?.at(-1);
  const partialLastMonth = lastMonth?.partial && lastMonth.orders > 0 ? lastMonth : null;

  return (
    <div className="overview" data-dataset={dataset.id} data-grain={grain}>
      <div className="page-head">
        <div>
          {!shared && (
            <p className="crumbs">
              <Link href="/">Datasets</Link>
            </p>
          )}
          <h1>{dataset.name}</h1>
          {dataset.description && <p className="lead">{dataset.description}</p>}
        </div>
        {shared ? (
          <SharedBadge />
        ) : (
          <div className="card-actions">
            {createShare && <ShareButton create={createShare} datasetId={dataset.id} view={{ page: "overview", grain }} label="this overview" />}
            <IfAllowed to="change">
              <Link className="button primary" href={`/upload?dataset=${dataset.id}`}>
                Add or replace a file
              </Link>
            </IfAllowed>
          </div>
        )}
      </div>

      {!shared && <DatasetTabs datasetId={dataset.id} current="overview" />}

      {!dataset.prepared && <PreparationNote state={dataset.preparation} statusUrl={shared ? undefined : `/api/datasets/${dataset.id}/preparation`} />}

      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">Figures</h2>
        {dataset.figures ? <DatasetFigures figures={dataset.figures} currency={dataset.currency} /> : <p className="muted" data-preparing>The figures appear once the dataset is prepared.</p>}
        <p className="muted small">
          {page.purchases ? (
            <>
              {dataset.customersOnFile > 0 ? `${formatInteger(dataset.customersOnFile)} customers in the customers file. ` : ""}
              {dataset.figures?.customersKept !== undefined ? (
                <span data-testid="figures-cleaning">
                  Customers and revenue are counted in the file as loaded and after the default cleaning, as segmentation runs count them: guest
                  orders without a customer id, cancellations and returns, adjustments, postage and other non-product codes, free items and duplicates
                  are left out (see <a href="#cleaning-title">the cleaning report</a>). The charts below use the default cleaning.
                </span>
              ) : (
                <>Computed over every line as loaded, before cleaning; the charts below use the default cleaning.</>
              )}
            </>
          ) : (
            <>
              This dataset holds a customers file and no purchases: below are its columns, how they spread and how they relate. Segment its customers by those
              columns on the Segmentations tab
              {!shared && (
                <IfAllowed to="change">
                  , or <Link href={`/upload?dataset=${dataset.id}`}>add their transactions</Link> for sales, RFM and churn
                </IfAllowed>
              )}
              .
            </>
          )}
        </p>
        {page.purchases && <CurrencyPicker datasetId={dataset.id} currency={dataset.currency} guessed={dataset.currencyGuessed} choices={currencyChoices()} setCurrency={setCurrency} />}
        <ShowSql name="dataset-figures" id={dataset.id} />
      </section>

      {!page.purchases && <OverviewCustomersFile page={page} shared={!!shared} setKind={setColumnKind} />}

      {page.purchases && (
        <>
      <h2 className="overview-section">Sales</h2>
      <div className="grid-2">
        <ChartCard
          id="sales-over-time"
          wide
          title={`Orders and revenue by ${grain}`}
          description={
            <>
              Orders per {grain} (bars, left axis, count) and revenue (line, right axis, in {inCurrency})
              {grain === "week" ? ", weeks from Monday to Sunday" : ""}. {CLEANING_NOTE}
              {partial.length > 0 && (
                <>
                  {" "}
                  Pale bars are {grain}s the data covers only in part: {partial.map((p) => `${periodName(p.period, grain)} (${formatDay(p.coveredFrom)} to ${formatDay(p.coveredTo)})`).join(", ")}.
                </>
              )}
            </>
          }
          actions={shared ? undefined : <GrainSwitch datasetId={dataset.id} grain={grain} />}
          pending={o.periods === null}
          empty={hasOrders ? undefined : noOrders}
          sql={<ShowSql name={grain === "week" ? OVERVIEW_SQL.week : OVERVIEW_SQL.month} id={dataset.id} />}
        >
          {o.periods && <TimeSeriesChart periods={o.periods} grain={grain} currency={dataset.currency} />}
        </ChartCard>

        <ChartCard
          id="countries"
          wide
          title="Revenue and orders by country"
          description={<>Share of the dataset&apos;s revenue and orders per invoice country (%, labelled on each bar): {o.countries && !o.countries.some((c) => c.rank > 15) ? `each of its ${o.countries.length === 1 ? "1 country" : `${o.countries.length} countries`}, by revenue` : "the 15 countries with the most revenue, then all others together"}. Hover a bar for amounts (in {inCurrency}). {CLEANING_NOTE}</>}
          pending={o.countries === null}
          empty={o.countries?.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.countries} id={dataset.id} />}
        >
          {o.countries && <CountryChart countries={o.countries} currency={dataset.currency} />}
        </ChartCard>

        <ChartCard
          id="top-products"
          wide
          title="Top products by revenue"
          description={<>The {o.products?.length ? `${formatInteger(o.products.length)} ` : ""}products with the most revenue: units sold, distinct customers and revenue ({inCurrency}, with its share of all product revenue). {CLEANING_NOTE}</>}
          pending={o.products === null}
          empty={o.products?.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.products} id={dataset.id} />}
        >
          {o.products && <TopProductsTable products={o.products} currency={dataset.currency} />}
        </ChartCard>
      </div>

      <h2 className="overview-section">Orders and customers</h2>
      <div className="grid-2">
        <ChartCard
          id="order-values"
          title="Order value"
          description={`Orders per order value (${inCurrency}). Bins widen by about 1.6× so the long tail does not squash the bulk; the ends gather the lowest and highest 1%. Hover for the bin edges and the revenue each bin brings.`}
          pending={o.orderValues === null}
          empty={o.orderValues?.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.orderValues} id={dataset.id} />}
        >
          {o.orderValues && <Histogram id="order-value" bins={o.orderValues.map((b) => ({ ...b, count: b.orders, share: b.orderShare, revenue: b.value, revenueShare: b.valueShare }))} kind="money" counted="Orders" xLabel={`Order value (${inCurrency})`} currency={dataset.currency} />}
        </ChartCard>

        <ChartCard
          id="basket-sizes"
          title="Basket size"
          description="Orders per number of line items (distinct product lines) in the order. Bins widen along the tail (1, 2, 3, 4–5, 6–9, 10–14, …); the last gathers the biggest 1%."
          pending={o.basketSizes === null}
          empty={o.basketSizes?.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.basketSizes} id={dataset.id} />}
        >
          {o.basketSizes && <Histogram
            id="basket-size"
            bins={o.basketSizes.map((b) => ({ ...b, count: b.orders, share: b.orderShare, revenue: b.value, revenueShare: b.valueShare }))}
            kind="count"
            counted="Orders"
            xLabel="Line items per order"
            unit={["line item", "line items"]}
            colour={categoryColour(2)}
          />}
        </ChartCard>

        <ChartCard
          id="recency"
          title="Recency"
          description="Customers per days since their last order, counted to the day after the dataset's last invoice. Bins of 30 days (wider when the data spans years)."
          pending={o.customers === null}
          empty={o.customers?.recencyDays.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.customers} id={dataset.id} />}
        >
          {o.customers && <Histogram id="recency" bins={customerBins(o.customers.recencyDays)} kind="days" counted="Customers" xLabel="Days since the last order" colour={categoryColour(3)} />}
        </ChartCard>

        <ChartCard
          id="frequency"
          title="Frequency"
          description="Customers per number of orders (distinct invoices). Hover for the revenue each group brings: a few frequent buyers often bring much of it."
          pending={o.customers === null}
          empty={o.customers?.frequency.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.customers} id={dataset.id} />}
        >
          {o.customers && <Histogram id="frequency" bins={customerBins(o.customers.frequency)} kind="count" counted="Customers" xLabel="Orders per customer" unit={["order", "orders"]} colour={categoryColour(4)} />}
        </ChartCard>

        <ChartCard
          id="spend"
          wide
          title="Spend per customer"
          description={`Customers per total spend (${inCurrency}, all their kept orders). Bins widen by about 1.6×; the ends gather the lowest and highest 1%.`}
          pending={o.customers === null}
          empty={o.customers?.spend.length === 0 ? noOrders : undefined}
          sql={<ShowSql name={OVERVIEW_SQL.customers} id={dataset.id} />}
        >
          {o.customers && <Histogram id="spend" bins={customerBins(o.customers.spend)} kind="money" counted="Customers" xLabel={`Spend per customer (${inCurrency})`} colour={categoryColour(5)} currency={dataset.currency} />}
        </ChartCard>
      </div>

      <OverviewCustomersFile page={page} shared={!!shared} setKind={setColumnKind} />

      <h2 className="overview-section">Retention</h2>
      <ChartCard
        id="cohort-retention"
        title="Monthly cohort retention"
        description={
          <>
            Customers grouped by the month of their first order (rows, with the cohort&apos;s size). Each cell is the % of the cohort that ordered in that month
            after the first (columns: months since). Darker is more. {CLEANING_NOTE}
            {partialLastMonth && (
              <>
                {" "}
                The last month, {formatMonth(partialLastMonth.period)}, has data only to {formatDay(partialLastMonth.coveredTo)}, so its diagonal reads low.
              </>
            )}
          </>
        }
        pending={o.cohorts === null}
        empty={o.cohorts?.length === 0 ? noOrders : undefined}
        sql={<ShowSql name={OVERVIEW_SQL.cohorts} id={dataset.id} />}
      >
        {o.cohorts && <CohortHeatmap cells={o.cohorts} sample={dataset.isSample} />}
      </ChartCard>
        </>
      )}

      <OverviewDataQuality dataset={dataset} purchases={page.purchases} />
    </div>
  );
}

const periodName = (period: string, grain: Grain) => (grain === "month" ? formatMonth(period) : `week of ${formatDay(period)}`);

const customerBins = (bins: { lower: number | null; upper: number | null; customers: number; customerShare: number; revenue: number; revenueShare: number | null }[]): HistogramBin[] =>
  bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.customers, share: b.customerShare, revenue: b.revenue, revenueShare: b.revenueShare }));

function GrainSwitch({ datasetId, grain }: { datasetId: number; grain: Grain }) {
  return (
    <div className="segmented" role="group" aria-label="Time grain">
      {(["month", "week"] as const).map((g) => (
        <Link
          key={g}
          href={g === "month" ? `/datasets/${datasetId}` : `/datasets/${datasetId}?grain=week`}
          scroll={false}
          aria-current={g === grain ? "true" : undefined}
          data-grain={g}
        >
          {g === "month" ? "Month" : "Week"}
        </Link>
      ))}
    </div>
  );
}

function NoOrders({ datasetId, shared }: { datasetId: number; shared: boolean }) {
  return (
    <>
      <p>No orders to show: the dataset has no transaction lines that pass the default cleaning.</p>
      {!shared && (
        <IfAllowed to="change">
          <p>
            <Link href={`/upload?dataset=${datasetId}`}>Upload a transactions file</Link>
          </p>
        </IfAllowed>
      )}
    </>
  );
}

