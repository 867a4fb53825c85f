import Link from "next/link";
import "./segments-over-time.css";
import { onSequential, sequentialColour } from "@/components/charts/palette";
import { formatCompact, formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { MigrationMatrix, Totals } from "@/lib/segmentation/migration";
import { columnHref, flowHref, rowHref, type MovesRuns } from "./migration-links";

/**
 * The migration matrix of two runs: the earlier run's segments as rows (then
 * "New": customers it did not have), the later run's as columns (then
 * "Gone"), each cell the customers who made that move and what they spent
 * since the earlier date, shaded by the share of the row; the row and column
 * totals are the runs' segment sizes. Every number opens its customers.
 */
export function MigrationMatrixTable({ matrix, runs, since, until, currency = null }: { matrix: MigrationMatrix; runs: MovesRuns; since: string; until: string; currency?: string | null }) {
  const { rows, columns, cells, rowTotals, columnTotals, total } = matrix;
  const revenue = (t: { revenueSince: number | null }) => (t.revenueSince === null ? "–" : formatCompact(t.revenueSince));
  const totalTitle = (name: string, t: Totals, when: string) =>
    `${name}: ${formatInteger(t.customers)} customers ${when}; revenue since ${since}: ${formatMoney(t.revenueSince, currency)}; bought again: ${formatInteger(t.boughtAgain)}`;
  return (
    <div className="table-scroll migration-scroll">
      <table className="table migration" data-testid="migration-matrix">
        <caption className="visually-hidden">
          Customers of each segment as of {since} (rows) by their segment as of {until} (columns), with their revenue between the two dates{currency ? ` (${currency})` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col" className="migration-corner">
              <span>{since} ↓</span> <span>{until} →</span>
            </th>
            {columns.map((c) => (
              <th scope="col" key={c.no ?? "gone"} className={`num migration-col${c.no === null ? " migration-outside" : ""}`} title={c.name}>
                <span>{c.name}</span>
              </th>
            ))}
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const t = rowTotals[i]!;
            return (
              <tr key={r.no ?? "new"} className={r.no === null ? "migration-outside" : undefined} data-row={r.name}>
                <th scope="row">
                  {r.name}
                  {r.no === null && <span className="muted small migration-note"> not in the earlier run</span>}
                </th>
                {columns.map((c, j) => {
                  const flow = cells[i]![j];
                  if (!flow) {
                    return (
                      <td key={c.no ?? "gone"} className="num" data-cell={`${r.name}|${c.name}`}>
                        <span className="muted">·</span>
                      </td>
                    );
                  }
                  const share = t.customers ? flow.customers / t.customers : 0;
                  const stayed = r.no !== null && c.no !== null && r.name === c.name;
                  return (
                    <td
                      key={c.no ?? "gone"}
                      className={`num migration-cell${stayed ? " migration-stayed" : ""}`}
                      data-cell={`${r.name}|${c.name}`}
                      data-customers={flow.customers}
                      style={{ background: sequentialColour(share), color: onSequential(share) }}
                    >
                      <Link
                        href={flowHref(runs, r.no, c.no)}
                        prefetch={false}
                        title={`${r.name} → ${c.name}: ${formatInteger(flow.customers)} customers (${formatShare(share)} of ${r.name}); revenue since ${since}: ${
                          flow.revenueSince === null ? "–" : formatMoney(flow.revenueSince, currency)
                        }; bought again: ${formatInteger(flow.boughtAgain)}. Open them.`}
                      >
                        <strong>{formatInteger(flow.customers)}</strong>
                        <span className="migration-revenue">{revenue(flow)}</span>
                      </Link>
                    </td>
                  );
                })}
                <td className="num migration-total" data-row-total={t.customers}>
                  <Link href={rowHref(runs, r.no)} prefetch={false} title={totalTitle(r.name, t, r.no === null ? `new by ${until}` : `as of ${since}`)}>
                    <strong>{formatInteger(t.customers)}</strong>
                    <span className="migration-revenue">{revenue(t)}</span>
                  </Link>
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {columns.map((c, j) => {
              const t = columnTotals[j]!;
              return (
                <td key={c.no ?? "gone"} className="num migration-total" data-column-total={t.customers} data-column={c.name}>
                  <Link href={columnHref(runs, c.no)} prefetch={false} title={totalTitle(c.name, t, c.no === null ? `gone by ${until}` : `as of ${until}`)}>
                    <strong>{formatInteger(t.customers)}</strong>
                    <span className="migration-revenue">{c.no === null ? "–" : revenue(t)}</span>
                  </Link>
                </td>
              );
            })}
            <td className="num migration-total">
              <strong>{formatInteger(total.customers)}</strong>
              <span className="migration-revenue">{revenue(total)}</span>
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
