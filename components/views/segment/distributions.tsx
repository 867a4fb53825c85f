import Link from "next/link";
import { ChartCard } from "@/components/charts/chart-card";
import { DistributionChart, type DistributionDatum } from "@/components/segments/segment-charts";
import { ShowSql } from "@/components/show-sql";
import { formatCompact, formatInteger, formatMoney } from "@/lib/format";
import type { SegmentDistributionRow } from "@/lib/queries/segment-distributions";
import type { SegmentPage } from "@/lib/services/segment-page";

/** Histograms of five measures in the segment against the base, on the same bins (segment-distributions.sql). */
const MEASURES = {
  recency_days: { title: "Recency", axis: "Days since the last order", kind: "days" },
  frequency: { title: "Frequency", axis: "Orders", kind: "count" },
  monetary: { title: "Monetary value", axis: "Revenue per customer", kind: "money" },
  p_alive: { title: "P(alive)", axis: "Probability still active (%)", kind: "probability" },
  clv: { title: "Expected value (CLV)", axis: "CLV per customer", kind: "money" },
} as const;

function binText(row: SegmentDistributionRow, kind: string, currency: string | null): { label: string; range: string } {
  const { binFrom: from, binTo: to } = row;
  if (kind === "probability") {
    const a = Math.round(from * 100);
    const b = Math.min(100, Math.round((to ?? 1) * 100));
    return { label: `${a}–${b}%`, range: `P(alive) from ${a}% to ${b === 100 ? "100% (included)" : `${b}% (excluded)`}` };
  }
  if (kind === "money") {
    if (to === null) return { label: `≥ ${formatCompact(from)}`, range: `${formatMoney(from, currency)} or more` };
    return { label: `${formatCompact(from)}–${formatCompact(to)}`, range: `From ${formatMoney(from, currency)} to under ${formatMoney(to, currency)}` };
  }
  const unit = kind === "days" ? "days" : "orders";
  if (to === null) return { label: `≥ ${formatInteger(from)}`, range: `${formatInteger(from)} ${unit} or more` };
  const last = to - 1;
  return last === from
    ? { label: formatInteger(from), range: `${formatInteger(from)} ${unit}` }
    : { label: `${formatInteger(from)}–${formatInteger(last)}`, range: `${formatInteger(from)} to ${formatInteger(last)} ${unit}` };
}

export function SegmentDistributions({ data, name, shared }: { data: SegmentPage; name: string; shared: boolean }) {
  const { run, currency } = data;
  return (
    <>
      <h2 className="seg-section">Distributions against the base</h2>
      <div className="grid-2 seg-grid">
        {data.distributions.map(({ measure, segment: bins, base: baseBins }) => {
          const m = MEASURES[measure];
          const byBin = new Map(baseBins.map((b) => [b.bin, b]));
          const chart: DistributionDatum[] = bins.map((b) => {
            const text = binText(b, m.kind, currency);
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
                measure === "p_alive" ? `P(alive) comes from ${data.churn?.model ?? "BG/NBD"} fitted when the run was saved.` : measure === "clv" ? `CLV comes from ${data.churn?.model ?? "BG/NBD"} and Gamma-Gamma fitted when the run was saved.` : ""
              }`}
              sql={<ShowSql name="segment-distributions" id={run.id} />}
              empty={
                chart.length === 0 ? (
                  <p>
                    {noFit
                      ? "This run has no lifetime-value fit (its data could not support a churn model and Gamma-Gamma), so there is no P(alive) or CLV to draw."
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
              <DistributionChart id={measure} data={chart} segmentName={name} xLabel={m.kind === "money" ? `${m.axis} (${currency ?? "amount"})` : m.axis} />
            </ChartCard>
          );
        })}
      </div>
    </>
  );
}
