/* eslint-disable max-lines -- the segment page's sections in page order; they split into section components next (issue 14). */
import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { CustomersTable } from "@/components/customers/customers-table";
import { ShowQuery } from "@/components/customers/show-query";
import { DistributionChart, LiftChart, ShareBars, type DistributionDatum, type LiftDatum, type ShareDatum } from "@/components/segments/segment-charts";
import { ShowSql } from "@/components/show-sql";
import { formatCompact, formatDecimal, formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { SegmentDistributionRow } from "@/lib/queries/segment-distributions";
import type { SegmentProfileRow } from "@/lib/queries/segment-profile";
import type { SegmentPage } from "@/lib/services/segment-page";
import { ShareButton, SharedBadge } from "@/components/share/share-button";
import type { ViewAudience } from "./shared";
import { RunPreparationNote } from "@/components/preparation/preparation-note";

const METHOD: Record<string, string> = { rfm: "RFM", kmeans: "k-means", hierarchical: "Hierarchical" };

/** The profile rows: each feature's mean in the segment and the base, and the lift segment-profile.sql gives. */
const FEATURES: { key: keyof SegmentProfileRow; lift?: keyof SegmentProfileRow; label: string; format: (v: number) => string; lowerIsBetter?: boolean }[] = [
  { key: "recencyDays", lift: "recencyLift", label: "Recency (days)", format: (v) => formatDecimal(v, 1), lowerIsBetter: true },
  { key: "frequency", lift: "frequencyLift", label: "Orders", format: (v) => formatDecimal(v, 2) },
  { key: "monetary", lift: "monetaryLift", label: "Revenue", format: formatMoney },
  { key: "averageOrderValue", lift: "averageOrderValueLift", label: "Avg order value", format: formatMoney },
  { key: "tenureDays", lift: "tenureLift", label: "Tenure (days)", format: (v) => formatDecimal(v, 1) },
  { key: "products", lift: "productsLift", label: "Distinct products", format: (v) => formatDecimal(v, 1) },
  { key: "returnRate", lift: "returnRateLift", label: "Return rate", format: (v) => formatShare(v, 1), lowerIsBetter: true },
  { key: "pAlive", label: "P(alive)", format: (v) => formatShare(v, 1) },
  { key: "expectedPurchases", label: "Expected orders (12 months)", format: (v) => formatDecimal(v, 2) },
  { key: "clv", label: "CLV", format: formatMoney },
];

const DIMENSIONS = [
  { id: "age_band", title: "Age band", measure: "Customers" },
  { id: "gender", title: "Gender", measure: "Customers" },
  { id: "country", title: "Country (customers file)", measure: "Customers" },
  { id: "channel", title: "Preferred channel", measure: "Customers" },
] as const;

const MEASURES = {
  recency_days: { title: "Recency", axis: "Days since the last order", kind: "days" },
  frequency: { title: "Frequency", axis: "Orders", kind: "count" },
  monetary: { title: "Monetary value", axis: "Revenue per customer (amount)", kind: "money" },
  p_alive: { title: "P(alive)", axis: "Probability still active (%)", kind: "probability" },
  clv: { title: "Expected value (CLV)", axis: "CLV per customer (amount)", kind: "money" },
} as const;

function binText(row: SegmentDistributionRow, kind: string): { label: string; range: string } {
  const { binFrom: from, binTo: to } = row;
  if (kind === "probability") {
    const a = Math.round(from * 100);
    const b = Math.min(100, Math.round((to ?? 1) * 100));
    return { label: `${a}–${b}%`, range: `P(alive) from ${a}% to ${b === 100 ? "100% (included)" : `${b}% (excluded)`}` };
  }
  if (kind === "money") {
    if (to === null) return { label: `≥ ${formatCompact(from)}`, range: `${formatMoney(from)} or more` };
    return { label: `${formatCompact(from)}–${formatCompact(to)}`, range: `From ${formatMoney(from)} to under ${formatMoney(to)}` };
  }
  const unit = kind === "days" ? "days" : "orders";
  if (to === null) return { label: `≥ ${formatInteger(from)}`, range: `${formatInteger(from)} ${unit} or more` };
  const last = to - 1;
  return last === from
    ? { label: formatInteger(from), range: `${formatInteger(from)} ${unit}` }
    : { label: `${formatInteger(from)}–${formatInteger(last)}`, range: `${formatInteger(from)} to ${formatInteger(last)} ${unit}` };
}

/**
 * One segment of a run against the base: profile and lifts, who they are, what
 * they buy, where, distributions and its customers (its page loads them:
 * lib/services/segment-page.ts); `shared` for a share link.
 */
export function SegmentView({ data, shared, createShare }: { data: SegmentPage } & ViewAudience) {
  const { run, segment, profile, base } = data;
  const name = segment.name;
  const others = run.segments.filter((s) => s.customers > 0);

  const liftData: LiftDatum[] =
    profile && base
      ? FEATURES.filter((f) => f.lift).map((f) => ({
          feature: f.label,
          lift: profile[f.lift!] as number | null,
          segment: profile[f.key] === null ? "–" : f.format(profile[f.key] as number),
          base: base[f.key] === null ? "–" : f.format(base[f.key] as number),
          lowerIsBetter: f.lowerIsBetter,
        }))
      : [];

  const csvHref = `${shared ? `/share/${shared.token}` : `/api/segmentations/${run.id}`}/members.csv?segment=${encodeURIComponent(name)}`;

  return (
    <>
      <div className="page-head seg-head">
        <div>
          {shared ? (
            <p className="crumbs">
              {run.datasetName} / Run {run.id} ({METHOD[run.method] ?? run.method})
            </p>
          ) : (
            <p className="crumbs">
              <Link href="/">Datasets</Link> / <Link href={`/datasets/${run.datasetId}`}>{run.datasetName}</Link> /{" "}
              <Link href={`/runs/${run.id}`}>
                Run {run.id} ({METHOD[run.method] ?? run.method})
              </Link>
            </p>
          )}
          <h1 data-testid="segment-name">{name}</h1>
          <p className="lead">
            Segment {segment.no + 1} of {run.segments.length} in run {run.id}, against all {formatInteger(run.customers)} customers of the run.
          </p>
        </div>
        {shared ? (
          <SharedBadge />
        ) : (
          <div className="card-actions">
            <ShareButton create={createShare} datasetId={run.datasetId} segmentationId={run.id} view={{ page: "segment", segmentNo: segment.no }} label="this segment" />
            <Link className="button" href={`/runs/${run.id}`}>
              ← Back to the run
            </Link>
          </div>
        )}
      </div>

      {!shared && others.length > 1 && (
        <nav className="tabs seg-tabs" aria-label="Segments of this run">
          {others.map((s) => (
            <Link key={s.no} href={`/runs/${run.id}/segments/${s.no}`} aria-current={s.no === segment.no ? "page" : undefined}>
              {s.name}
            </Link>
          ))}
        </nav>
      )}

      {data.preparing ? (
        <RunPreparationNote statusUrl={shared ? undefined : `/api/segmentations/${run.id}/preparation`} />
      ) : !profile || !base ? (
        <div className="empty" data-testid="segment-empty">
          <p>No customer fell in “{name}” in this run.</p>
          <p className="muted small">
            Its rule matched nobody.{!shared && (
              <>
                {" "}
                Look at another segment above, or <Link href={`/runs/${run.id}`}>go back to the run</Link> to see how customers were spread.
              </>
            )}
          </p>
        </div>
      ) : (
        <>
          <section className="card" aria-labelledby="segment-figures-title">
            <h2 id="segment-figures-title" className="visually-hidden">
              Size and value
            </h2>
            <dl className="figures">
              <div className="figure">
                <dt>Customers</dt>
                <dd data-testid="segment-customers" data-value={profile.customers}>
                  {formatInteger(profile.customers)}
                </dd>
              </div>
              <div className="figure">
                <dt>Share of customers</dt>
                <dd data-testid="segment-customer-share" data-value={profile.customerShare}>
                  {formatShare(profile.customerShare)}
                </dd>
              </div>
              <div className="figure">
                <dt>Revenue</dt>
                <dd data-testid="segment-revenue" data-value={profile.revenue}>
                  {formatMoney(profile.revenue)}
                </dd>
              </div>
              <div className="figure">
                <dt>Share of revenue</dt>
                <dd data-testid="segment-revenue-share" data-value={profile.revenueShare ?? ""}>
                  {formatShare(profile.revenueShare)}
                </dd>
              </div>
              <div className="figure">
                <dt>Orders</dt>
                <dd data-testid="segment-orders" data-value={profile.orders}>
                  {formatInteger(profile.orders)}
                </dd>
              </div>
              <div className="figure">
                <dt>At risk (P(alive) &lt; 0.5)</dt>
                <dd data-testid="segment-at-risk" data-value={profile.atRiskCustomers}>
                  {profile.pAlive === null ? "–" : formatInteger(profile.atRiskCustomers)}
                </dd>
              </div>
            </dl>
            <ShowSql name="segment-profile" id={run.id} />
          </section>

          <h2 className="seg-section">Profile against the whole base</h2>
          <div className="grid-2 seg-grid">
            <ChartCard
              id="segment-lift"
              title="Lift of each feature"
              description={
                <>
                  Segment mean ÷ mean of all customers of the run, on a log scale: bars to the right are above the base (×2 = twice), to the left below it (×0.5 = half). Green is better
                  than the base, orange worse (for recency and return rate, lower is better).
                </>
              }
              sql={<ShowSql name="segment-profile" id={run.id} />}
            >
              <LiftChart data={liftData} segmentName={name} />
            </ChartCard>
            <section className="card" aria-labelledby="profile-table-title">
              <h2 id="profile-table-title">Feature means</h2>
              <p className="muted small">Means per customer; amounts in the dataset’s currency.</p>
              <div className="table-scroll">
                <table className="table" data-testid="profile-table">
                  <thead>
                    <tr>
                      <th scope="col">Feature</th>
                      <th scope="col" className="num">
                        Segment
                      </th>
                      <th scope="col" className="num">
                        All customers
                      </th>
                      <th scope="col" className="num">
                        Lift
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {FEATURES.map((f) => {
                      const lift = f.lift ? (profile[f.lift] as number | null) : null;
                      return (
                        <tr key={f.key} data-feature={f.key}>
                          <th scope="row">{f.label}</th>
                          <td className="num" data-value={profile[f.key] ?? ""}>
                            {profile[f.key] === null ? "–" : f.format(profile[f.key] as number)}
                          </td>
                          <td className="num">{base[f.key] === null ? "–" : f.format(base[f.key] as number)}</td>
                          <td className={`num ${lift === null || lift === 1 ? "" : (lift > 1) !== Boolean(f.lowerIsBetter) ? "lift-up" : "lift-down"}`} data-lift={lift ?? ""}>
                            {lift === null ? "–" : `×${lift.toFixed(2)}`}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <ShowSql name="segment-profile" id={run.id} />
            </section>
          </div>

          <h2 className="seg-section">Who they are</h2>
          {data.demographics.length === 0 ? (
            <div className="card empty seg-empty" data-testid="demographics-empty">
              <p>{data.hasCustomersFile ? "None of this run’s customers is in the customers file." : "This dataset has no customers file, so there is nothing to say about age, gender, country or channel."}</p>
              {!shared && (
                <p className="muted small">
                  <Link href={`/upload?dataset=${run.datasetId}`}>Add a customers file</Link> (customer id, age, gender, country, channel…) to the dataset, then come back: this
                  section compares the segment’s make-up with the base’s.
                </p>
              )}
              <ShowSql name="segment-demographics" id={run.id} />
            </div>
          ) : (
            <div className="grid-2 seg-grid">
              {DIMENSIONS.map((dim) => {
                const rows = data.demographics.filter((d) => d.dimension === dim.id).slice(0, 10);
                const shares: ShareDatum[] = rows.map((r) => ({
                  label: r.value,
                  share: r.share,
                  baseShare: r.baseShare,
                  lift: r.lift,
                  details: [["Customers in the segment", formatInteger(r.customers)]],
                }));
                return (
                  <ChartCard
                    key={dim.id}
                    id={`demographics-${dim.id}`}
                    title={dim.title}
                    description="Share of the segment’s customers (%) against the share of all customers of the run; the lift is their ratio."
                    sql={<ShowSql name="segment-demographics" id={run.id} />}
                    empty={rows.length === 0 ? <p>No values for this dimension in the customers file.</p> : undefined}
                  >
                    <ShareBars id={dim.id} data={shares} segmentName={name} measure={dim.measure} />
                    <LiftTable rows={rows.map((r) => ({ label: r.value, share: r.share, baseShare: r.baseShare, lift: r.lift }))} head="Value" />
                  </ChartCard>
                );
              })}
            </div>
          )}

          <h2 className="seg-section">What and where they buy</h2>
          <div className="grid-2 seg-grid">
            <ChartCard
              id="segment-top-products"
              title="Top products"
              description="The segment’s ten best-selling products by revenue: their share of the segment’s product revenue (%) against their share for all customers. Lines no cleaning rule applies to, up to the run’s analysis date."
              sql={<ShowSql name="segment-top-products" id={run.id} />}
              empty={data.products.length === 0 ? <p>No product lines for these customers (all their lines fall under a cleaning rule).</p> : undefined}
            >
              <ShareBars
                id="products"
                data={data.products.map((p) => ({
                  label: p.description ?? p.stockCode,
                  share: p.share,
                  baseShare: p.baseShare,
                  lift: p.lift,
                  details: [
                    ["Stock code", p.stockCode],
                    ["Revenue", formatMoney(p.revenue)],
                    ["Units", formatInteger(p.quantity)],
                    ["Customers", formatInteger(p.customers)],
                  ],
                }))}
                segmentName={name}
                measure="Share of revenue"
                maxLabel={18}
              />
              <div className="table-scroll">
                <table className="table seg-compact" data-testid="top-products-table">
                  <thead>
                    <tr>
                      <th scope="col">Product</th>
                      <th scope="col" className="num">
                        Revenue
                      </th>
                      <th scope="col" className="num">
                        Customers
                      </th>
                      <th scope="col" className="num">
                        Lift
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.products.map((p) => (
                      <tr key={p.stockCode} data-stock-code={p.stockCode}>
                        <td>
                          {p.description ?? "–"} <span className="muted small">{p.stockCode}</span>
                        </td>
                        <td className="num" data-value={p.revenue}>
                          {formatMoney(p.revenue)}
                        </td>
                        <td className="num">{formatInteger(p.customers)}</td>
                        <td className="num">{p.lift === null ? "–" : `×${p.lift.toFixed(2)}`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </ChartCard>
            <ChartCard
              id="segment-countries"
              title="Top countries"
              description="Countries of the segment’s invoices by revenue (top 10): their share of the segment’s revenue (%) against their share for all customers."
              sql={<ShowSql name="segment-countries" id={run.id} />}
              empty={data.countries.length === 0 ? <p>No invoices for these customers.</p> : undefined}
            >
              <ShareBars
                id="countries"
                data={data.countries.slice(0, 10).map((c) => ({
                  label: c.country,
                  share: c.share,
                  baseShare: c.baseShare,
                  lift: c.lift,
                  details: [
                    ["Revenue", formatMoney(c.revenue)],
                    ["Orders", formatInteger(c.orders)],
                    ["Customers", formatInteger(c.customers)],
                  ],
                }))}
                segmentName={name}
                measure="Share of revenue"
              />
              <div className="table-scroll">
                <table className="table seg-compact" data-testid="countries-table">
                  <thead>
                    <tr>
                      <th scope="col">Country</th>
                      <th scope="col" className="num">
                        Revenue
                      </th>
                      <th scope="col" className="num">
                        Customers
                      </th>
                      <th scope="col" className="num">
                        Lift
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.countries.slice(0, 10).map((c) => (
                      <tr key={c.country} data-country={c.country}>
                        <td>{c.country}</td>
                        <td className="num" data-value={c.revenue}>
                          {formatMoney(c.revenue)}
                        </td>
                        <td className="num">{formatInteger(c.customers)}</td>
                        <td className="num">{c.lift === null ? "–" : `×${c.lift.toFixed(2)}`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {data.countries.length > 10 && <p className="muted small">{data.countries.length - 10} more countries in the query’s answer.</p>}
            </ChartCard>
          </div>

          <h2 className="seg-section">Distributions against the base</h2>
          <div className="grid-2 seg-grid">
            {data.distributions.map(({ measure, segment: bins, base: baseBins }) => {
              const m = MEASURES[measure];
              const byBin = new Map(baseBins.map((b) => [b.bin, b]));
              const chart: DistributionDatum[] = bins.map((b) => {
                const text = binText(b, m.kind);
                const baseBin = byBin.get(b.bin);
                return { label: text.label, range: text.range, share: b.share, baseShare: baseBin?.share ?? 0, customers: b.customers, baseCustomers: baseBin?.customers ?? 0 };
              });
              const noFit = measure === "p_alive" || measure === "clv";
              return (
                <ChartCard
                  key={measure}
                  id={`distribution-${measure}`}
                  title={m.title}
                  description={`Share of the segment’s customers in each bin (%) against all customers of the run, on the same bins. ${
                    measure === "p_alive" ? "P(alive) comes from BG/NBD fitted when the run was saved." : measure === "clv" ? "CLV comes from BG/NBD and Gamma-Gamma fitted when the run was saved." : ""
                  }`}
                  sql={<ShowSql name="segment-distributions" id={run.id} />}
                  empty={
                    chart.length === 0 ? (
                      <p>
                        {noFit
                          ? "This run has no lifetime-value fit (its data could not support BG/NBD and Gamma-Gamma), so there is no P(alive) or CLV to draw."
                          : "No values for this measure."}
                        {!shared && (
                          <>
                            {" "}
                            <Link href={`/runs/${run.id}`}>See the run</Link>.
                          </>
                        )}
                      </p>
                    ) : undefined
                  }
                >
                  <DistributionChart id={measure} data={chart} segmentName={name} xLabel={m.axis} />
                </ChartCard>
              );
            })}
          </div>

          {(!shared || shared.allowExport) && (
            <section className="card" aria-labelledby="segment-customers-title" id="customers">
              <header className="card-head seg-customers-head">
                <h2 id="segment-customers-title">Its customers</h2>
                <span className="card-actions">
                  {!shared && (
                    <Link className="button small" href={`/runs/${run.id}/customers`}>
                      All customers of the run
                    </Link>
                  )}
                  <a className="button small" href={csvHref} download data-testid="segment-csv">
                    Download CSV
                  </a>
                </span>
              </header>
              <p className="muted small">
                {shared ? "Sort by any column, filter, and choose the columns." : "Each id opens the customer’s order history. Sort by any column, filter, and choose the columns; the address keeps it all."} The
                CSV lists every member of the segment.
              </p>
              <CustomersTable
                runId={run.id}
                datasetId={run.datasetId}
                segments={run.segments}
                fixedSegment={segment.no}
                initialColumns={data.customers.columns}
                initial={{ key: data.customers.key, page: data.customers.page }}
                sharedToken={shared?.token}
              />
              <ShowQuery name="customers-page" sql={data.customers.sql} />
            </section>
          )}
        </>
      )}
    </>
  );
}

function LiftTable({ rows, head }: { rows: { label: string; share: number | null; baseShare: number | null; lift: number | null }[]; head: string }) {
  return (
    <div className="table-scroll">
      <table className="table seg-compact">
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              Segment
            </th>
            <th scope="col" className="num">
              All
            </th>
            <th scope="col" className="num">
              Lift
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td className="num">{formatShare(r.share)}</td>
              <td className="num">{formatShare(r.baseShare)}</td>
              <td className={`num ${r.lift === null || r.lift === 1 ? "" : r.lift > 1 ? "lift-over" : "lift-under"}`}>{r.lift === null ? "–" : `×${r.lift.toFixed(2)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
