import type { ReactNode } from "react";
import type { TooltipContentProps } from "recharts";

/** A chart's tooltip (Recharts <Tooltip> props) that draws the hovered datum, and nothing while none is hovered. */
export const datumTip = <T,>(draw: (d: T) => ReactNode) => ({
  content: ({ active, payload }: TooltipContentProps) => {
    const d = payload?.[0]?.payload as T | undefined;
    return active && d ? draw(d) : null;
  },
});

/** The box every chart's tooltip draws: a title, label/value rows (with the series colour), and a note. */
export function TipBox({ title, rows, note }: { title: ReactNode; rows: [label: ReactNode, value: ReactNode, colour?: string][]; note?: ReactNode }) {
  return (
    <div className="chart-tooltip">
      <strong>{title}</strong>
      <dl>
        {rows.map(([label, value, colour], i) => (
          <div key={i}>
            <dt>
              {colour && <span className="chart-swatch" style={{ background: colour }} aria-hidden="true" />}
              {label}
            </dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {note && <p>{note}</p>}
    </div>
  );
}

/** Shortens a category label for an axis (the tooltip keeps it whole). */
export const truncate = (text: string, max = 16) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export const AXIS_FONT = 12;

const axisFormat = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 2 });
/** Axis tick numbers: 1250 → `1.25k`, 2500000 → `2.5M`. */
export const axisNumber = (v: number) => axisFormat.format(v);
