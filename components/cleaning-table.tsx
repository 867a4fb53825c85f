import { CLEANING_RULES, type CleaningCounts } from "@/lib/ingest/cleaning";
import { formatInteger } from "@/lib/format";

/** What the cleaning rules leave out of the analysis: kept in the data, counted here. */
export function CleaningTable({ counts, caption }: { counts: CleaningCounts; caption: string }) {
  const total = counts.included + counts.excluded;
  const share = (n: number) => (total ? `${((100 * n) / total).toFixed(1)}%` : "–");
  return (
    <table className="table cleaning-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col" className="num">
            Lines
          </th>
          <th scope="col" className="num">
            Share
          </th>
        </tr>
      </thead>
      <tbody>
        {CLEANING_RULES.map((rule) => (
          <tr key={rule.key} data-rule={rule.key}>
            <th scope="row">
              {rule.label}
              <span className="muted small">{rule.detail}</span>
            </th>
            <td className="num">{formatInteger(counts[rule.key])}</td>
            <td className="num">{share(counts[rule.key])}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-rule="excluded">
          <th scope="row">Left out by at least one rule</th>
          <td className="num">{formatInteger(counts.excluded)}</td>
          <td className="num">{share(counts.excluded)}</td>
        </tr>
        <tr data-rule="included">
          <th scope="row">Used by the analysis</th>
          <td className="num">{formatInteger(counts.included)}</td>
          <td className="num">{share(counts.included)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
