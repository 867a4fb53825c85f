import { IfAllowed } from "@/components/auth/permissions";
import Link from "next/link";
import { categoryColour } from "@/components/charts/palette";
import { formatDecimal, formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { SegmentProfileRow } from "@/lib/queries/segment-profile";
import type { SharedView } from "@/components/views/shared";

/**
 * One card per segment with customers (lib/queries/sql/segment-profile.sql):
 * size, shares, average order value, mean recency and frequency, churn risk;
 * a link to the segment's page and its members as CSV. Every figure carries
 * data-figure so end-to-end tests read what people read.
 */
export function SegmentCards({ runId, rows, shared, currency = null }: { runId: number; rows: SegmentProfileRow[]; shared?: SharedView; /** ISO 4217, or null. */ currency?: string | null }) {
  const segments = rows.filter((r) => r.segmentNo !== null);
  return (
    <ul className="segment-cards" data-testid="segment-cards">
      {segments.map((s) => {
        const no = s.segmentNo!;
        const href = `/runs/${runId}/segments/${no}`;
        return (
          <li key={no} className="card segment-card" data-segment={s.name} data-segment-no={no} style={{ borderTopColor: categoryColour(no) }}>
            <h3>
              <span className="swatch" style={{ background: categoryColour(no) }} aria-hidden="true" />
              {shared ? s.name : <Link href={href}>{s.name}</Link>}
            </h3>
            <dl className="segment-figures">
              <div>
                <dt>Customers</dt>
                <dd data-figure="customers">{formatInteger(s.customers)}</dd>
              </div>
              <div>
                <dt>Of customers</dt>
                <dd data-figure="customer-share">{formatShare(s.customerShare)}</dd>
              </div>
              <div>
                <dt>Of revenue</dt>
                <dd data-figure="revenue-share">{formatShare(s.revenueShare)}</dd>
              </div>
              <div>
                <dt>Avg order value</dt>
                <dd data-figure="average-order-value">{s.averageOrderValue === null ? "–" : formatMoney(s.averageOrderValue, currency)}</dd>
              </div>
              <div>
                <dt>Mean recency</dt>
                <dd data-figure="recency-days">{formatDecimal(s.recencyDays, 0)} days</dd>
              </div>
              <div>
                <dt>Mean frequency</dt>
                <dd data-figure="frequency">{formatDecimal(s.frequency, 1)} orders</dd>
              </div>
            </dl>
            <p className="churn" data-figure="churn">
              {s.pAlive === null ? (
                <span className="muted">No churn model for this run.</span>
              ) : (
                <>
                  <span className={`risk${s.atRiskCustomers / Math.max(s.customers, 1) >= 0.5 ? " high" : ""}`}>
                    <strong data-figure="at-risk-customers">{formatInteger(s.atRiskCustomers)}</strong> at risk
                  </span>{" "}
                  ({formatShare(s.atRiskCustomers / Math.max(s.customers, 1), 0)}, revenue <span data-figure="at-risk-revenue">{formatMoney(s.atRiskRevenue, currency)}</span>) · mean P(alive){" "}
                  <span data-figure="p-alive">{formatDecimal(s.pAlive, 2)}</span>
                </>
              )}
            </p>
            {(!shared || shared.allowExport) && (
              <p className="segment-links small">
                {!shared && <Link href={href}>Open segment</Link>}
                <IfAllowed to="export">
                  <a href={`${shared ? `/share/${shared.token}` : `/api/segmentations/${runId}`}/members.csv?segment=${encodeURIComponent(s.name)}`} download data-testid="members-csv">
                    Download members CSV
                  </a>
                </IfAllowed>
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}
