import { formatInteger, formatLift, formatMoney, formatShare } from "@/lib/format";

/** A segment's share of each value against the base's, with the lift. */
export function LiftTable({ rows, head }: { rows: { label: string; share: number | null; baseShare: number | null; lift: number | null }[]; head: string }) {
  return (
    <div className="table-scroll">
      <table className="table seg-compact">
        <Head columns={[head, "Segment", "All", "Lift"]} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td className="num">{formatShare(r.share)}</td>
              <td className="num">{formatShare(r.baseShare)}</td>
              <td className={`num ${r.lift === null || r.lift === 1 ? "" : r.lift > 1 ? "lift-over" : "lift-under"}`}>{formatLift(r.lift)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The top products or countries of a segment: label, revenue, customers and lift (one row per item). */
export function RankTable({ testId, head, rows, currency }: { testId: string; head: string; currency: string | null; rows: { key: string; label: React.ReactNode; revenue: number; customers: number; lift: number | null; attributes?: Record<string, string> }[] }) {
  return (
    <div className="table-scroll">
      <table className="table seg-compact" data-testid={testId}>
        <Head columns={[head, "Revenue", "Customers", "Lift"]} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} {...r.attributes}>
              <td>{r.label}</td>
              <td className="num" data-value={r.revenue}>
                {formatMoney(r.revenue, currency)}
              </td>
              <td className="num">{formatInteger(r.customers)}</td>
              <td className="num">{formatLift(r.lift)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A compact table's header: the first column a label, the others numbers. */
function Head({ columns: [first, ...numbers] }: { columns: string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {numbers.map((c) => (
          <th key={c} scope="col" className="num">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
