import { formatInteger, formatShare } from "@/lib/format";

/**
 * Two columns of the customers file against each other (customer-crosstab.sql):
 * a GET form to choose them (the choice stays in the URL, ?x=…&y=…), then the
 * customers per pair of values with each count's share of its row, shaded.
 */
export function Crosstab({
  options,
  x,
  y,
  cells,
  action,
}: {
  /** Category and yes/no columns, by name. */
  options: string[];
  x: string | null;
  y: string | null;
  cells: { xValue: string; yValue: string; customers: number; rowShare: number; columnShare: number }[] | null;
  /** Where the form goes (the dataset's page). */
  action: string;
}) {
  const rows = [...new Set((cells ?? []).map((c) => c.xValue))];
  const columns = [...new Set((cells ?? []).map((c) => c.yValue))];
  const at = new Map((cells ?? []).map((c) => [`${c.xValue}\u0000${c.yValue}`, c]));
  const totals = new Map(rows.map((r) => [r, (cells ?? []).filter((c) => c.xValue === r).reduce((s, c) => s + c.customers, 0)]));
  return (
    <div data-testid="crosstab">
      <form method="get" action={`${action}#crosstab`} className="form-row crosstab-form">
        <ColumnSelect id="crosstab-x" name="x" label="Rows" options={options} value={x} />
        <ColumnSelect id="crosstab-y" name="y" label="Columns" options={options} value={y} />
        <button type="submit" className="button">
          Show
        </button>
      </form>
      {cells === null ? (
        <p className="muted small">Choose two columns, such as a plan and a churn flag, to see how their values go together.</p>
      ) : (
        <div className="table-scroll">
          <table className="table crosstab">
            <caption className="visually-hidden">
              {x} by {y}: customers, and their share of the row
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  {x} \ {y}
                </th>
                {columns.map((c) => (
                  <th key={c} scope="col" className="num">
                    {c}
                  </th>
                ))}
                <th scope="col" className="num">
                  All
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r}>
                  <th scope="row">{r}</th>
                  {columns.map((c) => {
                    const cell = at.get(`${r}\u0000${c}`);
                    return (
                      <td key={c} className="num" style={{ background: cell ? `rgb(79 70 229 / ${Math.round(cell.rowShare * 45)}%)` : undefined }} title={cell ? `${formatShare(cell.columnShare)} of the “${c}” customers` : undefined}>
                        {cell ? (
                          <>
                            {formatShare(cell.rowShare)} <span className="muted small">{formatInteger(cell.customers)}</span>
                          </>
                        ) : (
                          "–"
                        )}
                      </td>
                    );
                  })}
                  <td className="num">{formatInteger(totals.get(r) ?? 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ColumnSelect({ id, name, label, options, value }: { id: string; name: string; label: string; options: string[]; value: string | null }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">Choose…</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}
