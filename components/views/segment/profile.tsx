import { ChartCard } from "@/components/charts/chart-card";
import { LiftChart, type LiftDatum } from "@/components/segments/segment-charts";
import { ShowSql } from "@/components/show-sql";
import { formatDecimal, formatInteger, formatLift, formatMoney, formatShare } from "@/lib/format";
import type { SegmentProfileRow } from "@/lib/queries/segment-profile";
import { Figure } from "@/components/figure";
import type { ChurnWords } from "@/lib/insights/insights";

/** The segment page's size and value figures, and its profile against the whole base (segment-profile.sql). */

/** The profile rows: each feature's mean in the segment and the base, and the lift segment-profile.sql gives. */
const FEATURES: { key: keyof SegmentProfileRow; lift?: keyof SegmentProfileRow; label: string; format: (v: number, currency: string | null) => string; lowerIsBetter?: boolean }[] = [
  { key: "recencyDays", lift: "recencyLift", label: "Recency (days)", format: (v) => formatDecimal(v, 1), lowerIsBetter: true },
  { key: "frequency", lift: "frequencyLift", label: "Orders", format: (v) => formatDecimal(v, 2) },
  { key: "monetary", lift: "monetaryLift", label: "Revenue", format: (v, c) => formatMoney(v, c) },
  { key: "averageOrderValue", lift: "averageOrderValueLift", label: "Avg order value", format: (v, c) => formatMoney(v, c) },
  { key: "tenureDays", lift: "tenureLift", label: "Tenure (days)", format: (v) => formatDecimal(v, 1) },
  { key: "products", lift: "productsLift", label: "Distinct products", format: (v) => formatDecimal(v, 1) },
  { key: "returnRate", lift: "returnRateLift", label: "Return rate", format: (v) => formatShare(v, 1), lowerIsBetter: true },
  { key: "pAlive", label: "P(alive)", format: (v) => formatShare(v, 1) },
  { key: "expectedPurchases", label: "Expected orders (12 months)", format: (v) => formatDecimal(v, 2) },
  { key: "clv", label: "CLV", format: (v, c) => formatMoney(v, c) },
];

/** Customers, shares, revenue, orders and those at risk. */
export function SegmentFigures({ runId, profile, churn, currency }: { runId: number; profile: SegmentProfileRow; churn: ChurnWords | null; currency: string | null }) {
  return (
    <section className="card" aria-labelledby="segment-figures-title">
      <h2 id="segment-figures-title" className="visually-hidden">
        Size and value
      </h2>
      <dl className="figures">
        <Figure label="Customers" testId="segment-customers" value={profile.customers}>{formatInteger(profile.customers)}</Figure>
        <Figure label="Share of customers" testId="segment-customer-share" value={profile.customerShare}>{formatShare(profile.customerShare)}</Figure>
        <Figure label="Revenue" testId="segment-revenue" value={profile.revenue}>{formatMoney(profile.revenue, currency)}</Figure>
        <Figure label="Share of revenue" testId="segment-revenue-share" value={profile.revenueShare ?? ""}>{formatShare(profile.revenueShare)}</Figure>
        <Figure label="Orders" testId="segment-orders" value={profile.orders}>{formatInteger(profile.orders)}</Figure>
        <Figure label={`At risk (${churn?.signal ?? "P(alive) below 0.5"})`} testId="segment-at-risk" value={profile.atRiskCustomers}>{profile.pAlive === null ? "–" : formatInteger(profile.atRiskCustomers)}</Figure>
      </dl>
      {churn && (
        <p className={`small ${churn.identified ? "muted" : "hint warning"}`} data-testid="segment-churn-note">
          {churn.verdict ?? `P(alive), expected orders and CLV come from ${churn.model}, fitted when the run was saved.`}
          {churn.verdict ? ` P(alive), expected orders and CLV below come from ${churn.model}.` : ""}
        </p>
      )}
      <ShowSql name="segment-profile" id={runId} />
    </section>
  );
}

/** Each feature's lift (chart) and means (table) against all customers of the run. */
export function SegmentProfile({ runId, name, profile, base, currency }: { runId: number; name: string; profile: SegmentProfileRow; base: SegmentProfileRow; currency: string | null }) {
  const liftData: LiftDatum[] = FEATURES.filter((f) => f.lift).map((f) => ({
    feature: f.label,
    lift: profile[f.lift!] as number | null,
    segment: profile[f.key] === null ? "–" : f.format(profile[f.key] as number, currency),
    base: base[f.key] === null ? "–" : f.format(base[f.key] as number, currency),
    lowerIsBetter: f.lowerIsBetter,
  }));
  return (
    <>
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
          sql={<ShowSql name="segment-profile" id={runId} />}
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
                        {profile[f.key] === null ? "–" : f.format(profile[f.key] as number, currency)}
                      </td>
                      <td className="num">{base[f.key] === null ? "–" : f.format(base[f.key] as number, currency)}</td>
                      <td className={`num ${lift === null || lift === 1 ? "" : (lift > 1) !== Boolean(f.lowerIsBetter) ? "lift-up" : "lift-down"}`} data-lift={lift ?? ""}>
                        {formatLift(lift)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <ShowSql name="segment-profile" id={runId} />
        </section>
      </div>
    </>
  );
}
