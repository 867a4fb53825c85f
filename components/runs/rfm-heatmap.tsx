import { onSequential, sequentialColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatMoneyWhole, formatShare } from "@/lib/format";
import type { RfmGridCell } from "@/lib/queries/rfm-grid";

/**
 * Recency score (rows, best on top) × frequency score (columns): each cell
 * shows the mean spend of its customers (colour, on a log scale, and text) and
 * how many they are. A table, so it reads with a keyboard and a screen reader;
 * hovering a cell gives the details.
 */
export function RfmHeatmap({ cells, currency = null }: { cells: RfmGridCell[]; /** ISO 4217, or null. */ currency?: string | null }) {
  const recency = [...new Set(cells.map((c) => c.recencyScore))].sort((a, b) => b - a);
  const frequency = [...new Set(cells.map((c) => c.frequencyScore))].sort((a, b) => a - b);
  const byKey = new Map(cells.map((c) => [`${c.recencyScore}:${c.frequencyScore}`, c]));
  const spends = cells.map((c) => c.meanMonetary).filter((v): v is number => v !== null && v > 0);
  const lo = Math.log(Math.min(...spends));
  const hi = Math.log(Math.max(...spends));
  const shade = (v: number | null) => (v === null || v <= 0 ? null : hi > lo ? (Math.log(v) - lo) / (hi - lo) : 0.5);
  return (
    <div className="heatmap-wrap" data-testid="rfm-heatmap">
      <table className="heatmap">
        <caption className="visually-hidden">Mean spend and customers per recency score (rows) and frequency score (columns)</caption>
        <thead>
          <tr>
            <th scope="col" className="corner">
              <span>Recency ↓</span> <span>Frequency →</span>
            </th>
            {frequency.map((f) => (
              <th scope="col" key={f}>
                F {f}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {recency.map((r) => (
            <tr key={r}>
              <th scope="row">R {r}</th>
              {frequency.map((f) => {
                const c = byKey.get(`${r}:${f}`);
                const t = shade(c?.meanMonetary ?? null);
                const title = c && c.customers > 0
                  ? `R ${r} · F ${f}: ${formatInteger(c.customers)} customers (${formatShare(c.customerShare)}), mean spend ${formatMoney(c.meanMonetary ?? 0, currency)}, revenue ${formatMoney(c.revenue, currency)}, mean recency ${c.meanRecencyDays ?? "–"} days; mostly ${c.topSegment} (${formatInteger(c.topSegmentCustomers ?? 0)})`
                  : `R ${r} · F ${f}: no customers`;
                return (
                  <td
                    key={f}
                    title={title}
                    tabIndex={0}
                    aria-label={title}
                    data-cell={`${r}${f}`}
                    data-customers={c?.customers ?? 0}
                    data-mean-spend={c?.meanMonetary ?? ""}
                    style={t === null ? undefined : { background: sequentialColour(t), color: onSequential(t) }}
                    className={t === null ? "empty-cell" : undefined}
                  >
                    {c && c.customers > 0 ? (
                      <>
                        <span className="cell-value">{formatMoneyWhole(c.meanMonetary ?? 0, currency)}</span>
                        <span className="cell-count">{formatInteger(c.customers)}</span>
                      </>
                    ) : (
                      <span className="cell-count">–</span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="heat-legend" aria-hidden="true">
        <span>{spends.length ? formatMoneyWhole(Math.exp(lo), currency) : ""}</span>
        <span className="heat-scale" style={{ background: `linear-gradient(to right, ${sequentialColour(0)}, ${sequentialColour(0.5)}, ${sequentialColour(1)})` }} />
        <span>{spends.length ? formatMoneyWhole(Math.exp(hi), currency) : ""}</span>
        <span className="muted">Cell: mean spend per customer (colour, log scale) over the number of customers.</span>
      </div>
    </div>
  );
}
