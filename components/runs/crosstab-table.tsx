import Link from "next/link";
import { onSequential, sequentialColour } from "@/components/charts/palette";
import { formatInteger, formatShare } from "@/lib/format";
import type { Comparison } from "@/lib/services/run-page";

/** How much two partitions agree, in words, from the adjusted Rand index. */
export function agreement(ari: number | null): string {
  if (ari === null) return "not enough customers to tell";
  if (ari > 0.9) return "almost the same segments";
  if (ari > 0.6) return "strong agreement";
  if (ari > 0.3) return "partial agreement";
  if (ari > 0.05) return "weak agreement";
  return "no more agreement than chance";
}

/**
 * Crosstab of two runs: this run's segments as rows (in its order), the other
 * run's as columns, customers in each cell shaded by the share of the row.
 */
export function CrosstabTable({ comparison, rowOrder, columnOrder, otherLabel, shared }: { comparison: Comparison; rowOrder: string[]; columnOrder: string[]; otherLabel: string; shared?: boolean }) {
  const { crosstab } = comparison;
  const rowIndex = new Map(crosstab.rows.map((r, i) => [r, i]));
  const colIndex = new Map(crosstab.columns.map((c, j) => [c, j]));
  const rows = [...rowOrder.filter((r) => rowIndex.has(r)), ...crosstab.rows.filter((r) => !rowOrder.includes(r))];
  const columns = [...columnOrder.filter((c) => colIndex.has(c)), ...crosstab.columns.filter((c) => !columnOrder.includes(c))];
  const count = (r: string, c: string) => crosstab.counts[rowIndex.get(r)!]![colIndex.get(c)!]!;
  const rowTotal = (r: string) => crosstab.counts[rowIndex.get(r)!]!.reduce((s, v) => s + v, 0);
  const colTotal = (c: string) => crosstab.counts.reduce((s, row) => s + row[colIndex.get(c)!]!, 0);
  return (
    <>
      <dl className="figures compare-figures">
        <div className="figure">
          <dt>Adjusted Rand index</dt>
          <dd data-figure="adjusted-rand-index">{comparison.adjustedRandIndex === null ? "–" : comparison.adjustedRandIndex.toFixed(3)}</dd>
        </div>
        <div className="figure figure-wide">
          <dt>Reading</dt>
          <dd>{agreement(comparison.adjustedRandIndex)}</dd>
        </div>
        <div className="figure">
          <dt>Customers in both</dt>
          <dd data-figure="compared-customers">{formatInteger(comparison.customers)}</dd>
        </div>
      </dl>
      <p className="muted small">
        1 means the same partition whatever the names, 0 what chance gives. Rows: this run; columns: {shared ? otherLabel : <Link href={`/runs/${comparison.second.id}`}>{otherLabel}</Link>}. Shade: share of the row.
      </p>
      <div className="table-scroll">
        <table className="table crosstab" data-testid="crosstab">
          <caption className="visually-hidden">Customers in each pair of segments of the two runs</caption>
          <thead>
            <tr>
              <th scope="col">This run ↓ / other →</th>
              {columns.map((c) => (
                <th scope="col" key={c} className="num crosstab-col" title={c}>
                  <span>{c}</span>
                </th>
              ))}
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const total = rowTotal(r);
              return (
                <tr key={r}>
                  <th scope="row">{r}</th>
                  {columns.map((c) => {
                    const n = count(r, c);
                    const t = total ? n / total : 0;
                    return (
                      <td
                        key={c}
                        className="num"
                        data-cell={`${r}|${c}`}
                        title={`${r} × ${c}: ${formatInteger(n)} customers (${formatShare(t)} of ${r})`}
                        style={n ? { background: sequentialColour(t), color: onSequential(t) } : undefined}
                      >
                        {n ? formatInteger(n) : <span className="muted">·</span>}
                      </td>
                    );
                  })}
                  <td className="num">
                    <strong>{formatInteger(total)}</strong>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              {columns.map((c) => (
                <td key={c} className="num">
                  <strong>{formatInteger(colTotal(c))}</strong>
                </td>
              ))}
              <td className="num">
                <strong>{formatInteger(comparison.customers)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
