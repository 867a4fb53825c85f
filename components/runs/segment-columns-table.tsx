import Link from "next/link";
import { categoryColour } from "@/components/charts/palette";
import { formatDay, formatDecimal, formatInteger, formatShare } from "@/lib/format";
import type { SegmentColumnRow } from "@/lib/queries/segment-columns";
import type { SharedView } from "@/components/views/shared";

/**
 * Segments (rows) by the customers-file columns a run clustered on
 * (segment-columns.sql): a number's mean, shaded by how far it is from all
 * customers' mean (in standard deviations); a category's most
 * over-represented value with its share, shaded by its lift. The last row is
 * all customers.
 */
export function SegmentColumnsTable({
  runId,
  segments,
  rows,
  shared,
}: {
  runId: number;
  segments: { no: number; name: string; customers: number }[];
  rows: SegmentColumnRow[];
  shared?: SharedView;
}) {
  const columns = [...new Map(rows.map((r) => [r.name, { name: r.name, kind: r.kind, position: r.position }])).values()].sort((a, b) => a.position - b.position);
  const total = segments.reduce((s, x) => s + x.customers, 0);
  const cell = (no: number | null, column: (typeof columns)[number]) => {
    const mine = rows.filter((r) => r.segmentNo === no && r.name === column.name);
    if (column.kind === "number" || column.kind === "date") {
      const r = mine[0];
      if (!r) return { text: "–", tint: 0, title: "" };
      const text = column.kind === "date" ? (r.meanDate ? formatDay(r.meanDate) : "–") : formatDecimal(r.mean ?? Number.NaN, Math.abs(r.mean ?? 0) >= 100 ? 0 : 1);
      const d = no === null ? 0 : (r.difference ?? 0);
      return { text, tint: Math.max(-1, Math.min(1, d / 1.5)), title: no === null ? "All customers" : `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(2)} standard deviations from all customers` };
    }
    const top = no === null ? [...mine].sort((a, b) => (b.share ?? 0) - (a.share ?? 0))[0] : [...mine].sort((a, b) => (b.lift ?? 0) - (a.lift ?? 0))[0];
    if (!top) return { text: "–", tint: 0, title: "" };
    const lift = no === null ? 1 : (top.lift ?? 1);
    return {
      text: `${column.kind === "yes_no" ? `${top.value}` : top.value} ${formatShare(top.share)}`,
      tint: Math.max(-1, Math.min(1, Math.log2(lift) / 1.5)),
      title: no === null ? "The most common value" : `${formatShare(top.share)} against ${formatShare(top.baseShare)} of all customers (×${lift.toFixed(2)})`,
    };
  };
  const shade = (tint: number) => (tint === 0 ? undefined : tint > 0 ? `rgb(79 70 229 / ${Math.round(tint * 28)}%)` : `rgb(234 88 12 / ${Math.round(-tint * 28)}%)`);
  return (
    <div className="table-scroll">
      <table className="table segment-columns" data-testid="segment-columns">
        <caption className="visually-hidden">Segments by the columns they were clustered on</caption>
        <thead>
          <tr>
            <th scope="col">Segment</th>
            <th scope="col" className="num">
              Customers
            </th>
            {columns.map((c) => (
              <th key={c.name} scope="col" className={c.kind === "number" ? "num" : undefined}>
                {c.name}
                {c.kind === "date" ? " (mean date)" : c.kind === "number" ? " (mean)" : ""}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...segments.filter((s) => s.customers > 0), null].map((s) => {
            const no = s?.no ?? null;
            return (
              <tr key={no ?? "all"} data-segment={s?.name ?? "All customers"}>
                <th scope="row">
                  {s ? (
                    <>
                      <span className="swatch" style={{ background: categoryColour(s.no) }} aria-hidden="true" />
                      {shared ? s.name : <Link href={`/runs/${runId}/segments/${s.no}`}>{s.name}</Link>}
                    </>
                  ) : (
                    "All customers"
                  )}
                </th>
                <td className="num">
                  {formatInteger(s?.customers ?? total)} <span className="muted small">{formatShare((s?.customers ?? total) / Math.max(total, 1), 0)}</span>
                </td>
                {columns.map((c) => {
                  const v = cell(no, c);
                  return (
                    <td key={c.name} className={c.kind === "number" ? "num" : undefined} style={{ background: shade(v.tint) }} title={v.title} data-column={c.name}>
                      {v.text}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
