import Link from "next/link";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { MigrationMatrix } from "@/lib/segmentation/migration";
import { rowHref, type MovesRuns } from "./migration-links";

/**
 * Who came back: each segment of the earlier run (a holdout of the later
 * one's purchases), its customers, how many bought again by the later date,
 * what they spent in between, and where most of them are now.
 */
export function CameBack({ matrix, runs, currency = null }: { matrix: MigrationMatrix; runs: MovesRuns; currency?: string | null }) {
  const rows = matrix.rows.map((r, i) => ({ r, i })).filter(({ r }) => r.no !== null);
  if (rows.length === 0) return <div className="empty">The earlier run has no customers.</div>;
  return (
    <div className="table-scroll">
      <table className="table came-back" data-testid="came-back">
        <thead>
          <tr>
            <th scope="col">Segment then</th>
            <th scope="col" className="num">
              Customers
            </th>
            <th scope="col" className="num">
              Bought again
            </th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col" className="num">
              Revenue since
            </th>
            <th scope="col">Most are now in</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ r, i }) => {
            const t = matrix.rowTotals[i]!;
            const cells = matrix.cells[i]!;
            let best = -1;
            cells.forEach((c, j) => {
              if (c && (best < 0 || c.customers > cells[best]!.customers)) best = j;
            });
            const top = best >= 0 ? matrix.columns[best]! : null;
            return (
              <tr key={r.no} data-segment={r.name}>
                <th scope="row">
                  <Link href={rowHref(runs, r.no)} prefetch={false}>
                    {r.name}
                  </Link>
                </th>
                <td className="num">{formatInteger(t.customers)}</td>
                <td className="num" data-bought-again={t.boughtAgain}>
                  {formatInteger(t.boughtAgain)}
                </td>
                <td className="num">{formatShare(t.customers ? t.boughtAgain / t.customers : null)}</td>
                <td className="num">{formatMoney(t.revenueSince, currency)}</td>
                <td>
                  {top ? `${top.name} (${formatShare(t.customers ? cells[best]!.customers / t.customers : null)})` : "–"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
