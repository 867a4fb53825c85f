import { ChartCard } from "@/components/charts/chart-card";
import { ShowSql } from "@/components/show-sql";
import { clearlyDifferent } from "@/lib/insights/column-insights";
import { formatDay, formatDecimal, formatInteger, formatLift, formatShare } from "@/lib/format";
import type { SegmentPage } from "@/lib/services/segment-page";

/** A segment against all customers on the customers-file columns its run clustered on (segment-columns.sql). */
export function SegmentColumns({ data, name }: { data: SegmentPage; name: string }) {
  const { run, segment, columns } = data;
  if (columns.length === 0) return null;
  const mine = columns.filter((r) => r.segmentNo === segment.no);
  const number = (x: number | null) => (x === null ? "–" : formatDecimal(x, Math.abs(x) >= 100 ? 0 : 1));
  return (
    <ChartCard
      id="segment-columns"
      wide
      title="How they differ on the columns they were clustered on"
      description={`${name} against all customers of the run: each number's mean (and how many standard deviations apart), each value's share of a category (and the lift).`}
      sql={<ShowSql name="segment-columns" id={run.id} />}
    >
      <div className="table-scroll">
        <table className="table" data-testid="segment-column-table">
          <caption className="visually-hidden">{name} against all customers</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Value</th>
              <th scope="col" className="num">
                This segment
              </th>
              <th scope="col" className="num">
                All customers
              </th>
              <th scope="col" className="num">
                Difference
              </th>
            </tr>
          </thead>
          <tbody>
            {mine.map((r) => (
              <tr key={`${r.name}|${r.value ?? ""}`} data-column={r.name}>
                <th scope="row">{r.name}</th>
                <td>{r.kind === "number" ? "mean" : r.kind === "date" ? "mean date" : r.value}</td>
                <td className="num">{r.kind === "number" ? number(r.mean) : r.kind === "date" ? formatDay(r.meanDate) : `${formatShare(r.share)} (${formatInteger(r.customers)})`}</td>
                <td className="num">{r.kind === "number" ? number(r.baseMean) : r.kind === "date" ? formatDay(r.baseMeanDate) : formatShare(r.baseShare)}</td>
                <td className="num">
                  {r.kind === "number"
                    ? r.difference === null
                      ? "–"
                      : `${r.difference >= 0 ? "+" : "−"}${Math.abs(r.difference).toFixed(2)} sd`
                    : formatLift(r.lift)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartCard>
  );
}

/** The segment's rate of the run's outcome column, with its 95% interval, against all customers (segment-outcomes.sql). */
export function SegmentOutcome({ data, name }: { data: SegmentPage; name: string }) {
  const { run, segment, outcome } = data;
  if (!outcome) return null;
  const rows = outcome.rows.filter((r) => r.segmentNo === segment.no && (r.known ?? 0) > 0);
  const ordered = [...rows].sort((a, b) => (a.value === "yes" ? -1 : b.value === "yes" ? 1 : b.customers - a.customers));
  return (
    <section className="card" aria-labelledby="segment-outcome-title">
      <h2 id="segment-outcome-title">{outcome.name} in this segment</h2>
      <p className="muted small">
        Share of {name}&apos;s customers with each value of {outcome.name}, with its 95% Wilson interval, against all customers of the run.
      </p>
      {ordered.length === 0 ? (
        <p className="muted">No customer of this segment has a value in this column.</p>
      ) : (
        <dl className="figures" data-testid="segment-outcome">
          {ordered.map((r) => {
            return (
              <div key={r.value} data-value={r.value}>
                <dt>
                  {outcome.name}: {r.value}
                </dt>
                <dd>
                  <strong>{formatShare(r.rate)}</strong>{" "}
                  <span className="small muted">
                    ({formatShare(r.rateLow)}–{formatShare(r.rateHigh)}) · all {formatShare(r.baseRate)} · ×{(r.lift ?? 0).toFixed(2)}
                    {clearlyDifferent(r) ? "" : " · not clearly different"}
                  </span>
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      <ShowSql name="segment-outcomes" id={run.id} />
    </section>
  );
}
