import { formatInteger } from "@/lib/format";

/**
 * Pearson's correlations of a customers file's number columns
 * (customer-correlations.sql) as a matrix: blue for columns that rise
 * together, orange for one rising as the other falls; darker is stronger.
 */
export function CorrelationMatrix({ rows, names }: { rows: { xKey: string; yKey: string; correlation: number | null; customers: number }[]; names: Map<string, string> }) {
  // In the file's column order (the order of `names`).
  const order = [...names.keys()];
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const keys = [...new Set(rows.map((r) => r.xKey))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const at = new Map(rows.map((r) => [`${r.xKey}\u0000${r.yKey}`, r]));
  const shade = (r: number | null) => (r === null ? undefined : r >= 0 ? `rgb(79 70 229 / ${Math.round(Math.abs(r) * 70)}%)` : `rgb(234 88 12 / ${Math.round(Math.abs(r) * 70)}%)`);
  return (
    <div className="table-scroll">
      <table className="table correlation-matrix" data-testid="correlation-matrix">
        <caption className="visually-hidden">Correlations between the number columns of the customers file</caption>
        <thead>
          <tr>
            <th scope="col" />
            {keys.map((k) => (
              <th key={k} scope="col" className="num rotate">
                <span>{names.get(k) ?? k}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((y) => (
            <tr key={y}>
              <th scope="row">{names.get(y) ?? y}</th>
              {keys.map((x) => {
                const cell = at.get(`${x}\u0000${y}`);
                const r = cell?.correlation ?? null;
                return (
                  <td
                    key={x}
                    className="num"
                    style={{ background: shade(r), color: r !== null && Math.abs(r) > 0.6 ? "white" : undefined }}
                    title={cell ? `${names.get(x) ?? x} × ${names.get(y) ?? y}: r = ${r === null ? "–" : r.toFixed(3)} over ${formatInteger(cell.customers)} customers` : undefined}
                  >
                    {r === null ? "–" : r.toFixed(2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
