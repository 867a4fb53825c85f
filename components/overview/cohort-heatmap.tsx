import { onSequential, sequentialColour } from "@/components/charts/palette";
import { formatInteger, formatMonth, formatShare } from "@/lib/format";
import type { CohortCell } from "@/lib/queries/cohort-retention";

/**
 * Monthly cohort retention as a heatmap table: a row per first-purchase month
 * with its size, a column per month since. Month 0 is the whole cohort by
 * definition and is left uncoloured; the colour scale runs from 0 to the
 * highest share seen in later months (the legend says so).
 */
/**
 * The latest cohorts none of whose customers ever ordered again (every month
 * after month 0 is 0): the first of them and how many customers they hold.
 * Null unless at least two such cohorts had a month after their first to come
 * back in (the last cohort alone has had no time to).
 */
export function cohortsWithoutReturns(cells: CohortCell[]): { from: string; cohorts: number; customers: number } | null {
  const byCohort = new Map<string, { size: number; later: number; returned: number }>();
  for (const c of cells) {
    const row = byCohort.get(c.cohort) ?? { size: c.cohortSize, later: 0, returned: 0 };
    if (c.monthsSince > 0) {
      row.later += 1;
      row.returned += c.customers;
    }
    byCohort.set(c.cohort, row);
  }
  const ordered = [...byCohort.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let start = ordered.length;
  while (start > 0 && ordered[start - 1]![1].returned === 0) start -= 1;
  const tail = ordered.slice(start);
  if (tail.filter(([, r]) => r.later > 0).length < 2) return null;
  return { from: tail[0]![0], cohorts: tail.length, customers: tail.reduce((n, [, r]) => n + r.size, 0) };
}

export function CohortHeatmap({ cells, sample = false }: { cells: CohortCell[]; /** The generated sample: its reason for cohorts without returns is known. */ sample?: boolean }) {
  const noReturns = cohortsWithoutReturns(cells);
  const cohorts = new Map<string, { size: number; cells: CohortCell[] }>();
  for (const c of cells) {
    const row = cohorts.get(c.cohort) ?? { size: c.cohortSize, cells: [] };
    row.cells.push(c);
    cohorts.set(c.cohort, row);
  }
  const months = Math.max(0, ...cells.map((c) => c.monthsSince));
  const top = Math.max(0.0001, ...cells.filter((c) => c.monthsSince > 0).map((c) => c.share));
  const columns = Array.from({ length: months + 1 }, (_, i) => i);
  return (
    <div className="cohort-map-wrap">
      <div className="table-scroll">
        <table className="cohort-map" data-testid="cohort-heatmap" data-cohorts={cohorts.size}>
          <caption className="visually-hidden">Share of each first-purchase cohort that ordered again, by months since the first purchase</caption>
          <thead>
            <tr>
              <th scope="col" className="cohort-name">
                Cohort
              </th>
              <th scope="col" className="num" title="Customers in the cohort">
                Size
              </th>
              {columns.map((m) => (
                <th key={m} scope="col" className="num" title={`${m} month${m === 1 ? "" : "s"} after the first purchase`}>
                  {m}
                  <span className="visually-hidden"> month{m === 1 ? "" : "s"} after</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...cohorts.entries()].map(([cohort, row]) => (
              <tr key={cohort} data-cohort={cohort} data-size={row.size}>
                <th scope="row" className="cohort-name">
                  {formatMonth(cohort)}
                </th>
                <td className="num cohort-size">{formatInteger(row.size)}</td>
                {columns.map((m) => {
                  const c = row.cells.find((x) => x.monthsSince === m);
                  if (!c) return <td key={m} className="cohort-none" aria-hidden="true" />;
                  const label = `${formatMonth(cohort)} cohort, month ${m}: ${formatInteger(c.customers)} of ${formatInteger(row.size)} customers ordered (${formatShare(c.share)})`;
                  if (m === 0) {
                    return (
                      <td key={m} className="num cohort-first" title={label} data-share={c.share}>
                        100<span className="visually-hidden">%</span>
                      </td>
                    );
                  }
                  const t = c.share / top;
                  return (
                    <td key={m} className="num" title={label} data-share={c.share} data-customers={c.customers} style={{ background: sequentialColour(t), color: onSequential(t) }}>
                      {Math.round(c.share * 100)}
                      <span className="visually-hidden">% ({formatInteger(c.customers)} customers)</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {noReturns && (
        <p className="notice small cohort-no-return" data-testid="cohort-no-return" data-from={noReturns.from}>
          From {formatMonth(noReturns.from)} on, no customer ordered again: the {formatInteger(noReturns.customers)} customers of these {formatInteger(noReturns.cohorts)} cohorts each ordered
          in one month only, so their cells read 0%.{" "}
          {sample
            ? "That is how the sample was generated: its repeat buyers all start in the first 70% of its two years (lib/sample/generate.ts), and the customers it starts later buy once."
            : "A cohort this late may not have had time to come back before the data ends; otherwise, look at how these customers were acquired."}
        </p>
      )}
      <div className="cohort-legend" aria-hidden="true">
        <span>0%</span>
        <span className="cohort-scale" style={{ background: `linear-gradient(to right, ${sequentialColour(0)}, ${sequentialColour(0.5)}, ${sequentialColour(1)})` }} />
        <span>{formatShare(top, 0)}</span>
        <span className="muted">Cells: % of the cohort ordering in that month. Month 0 is the first purchase (100%).</span>
      </div>
    </div>
  );
}
