"use client";

import { ResponsiveContainer, Tooltip, Treemap, type TooltipContentProps, type TreemapNode } from "recharts";
import { categoryColour } from "@/components/charts/palette";
import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import { LazyChart } from "@/components/charts/lazy-chart";
import { StaticTreemap } from "@/components/charts/static-treemap";

export interface TreemapSegment {
  no: number;
  name: string;
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number | null;
}

/** Segments as rectangles: area = customers, colour = segment (the same colour as its card). */
export function SegmentTreemap({ segments, currency = null }: { segments: TreemapSegment[]; /** ISO 4217, or null. */ currency?: string | null }) {
  const data = segments.filter((s) => s.customers > 0).map((s) => ({ ...s, fill: categoryColour(s.no) }));
  return (
    <div data-testid="segment-treemap">
      <LazyChart drawing={<StaticTreemap title="Segments by their customers: area = customers" height={340} tiles={data.map((s) => ({ name: s.name, value: s.customers, colour: s.fill, note: formatShare(s.customerShare) }))} />}>
        <ResponsiveContainer width="100%" height={340}>
          <Treemap data={data} dataKey="customers" nameKey="name" isAnimationActive={false} stroke="#fff" content={<Cell />}>
            <Tooltip content={(props: TooltipContentProps) => <TreemapTooltip {...props} currency={currency} />} />
          </Treemap>
        </ResponsiveContainer>
      </LazyChart>
      <ul className="legend" aria-label="Segments">
        {data.map((s) => (
          <li key={s.no}>
            <span className="swatch" style={{ background: s.fill }} aria-hidden="true" />
            {s.name} <span className="muted">({formatShare(s.customerShare)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Cell(props: Partial<TreemapNode>) {
  const { x = 0, y = 0, width = 0, height = 0, depth, name } = props;
  const fill = props.fill as string | undefined;
  const share = props.customerShare as number | undefined;
  if (depth === 0 || !fill) return <g />;
  const label = String(name ?? "");
  // Only labels that fit: about 7 px per character at 12 px.
  const fits = width > 48 && height > 34;
  const chars = Math.floor((width - 12) / 7.6);
  const text = label.length > chars ? `${label.slice(0, Math.max(chars - 1, 1))}…` : label;
  const light = ["#F0E442", "#56B4E9", "#E69F00", "#999999", "#44AA99"].includes(fill);
  return (
    <g>
      <rect x={x} y={y} width={width} height={height} fill={fill} stroke="#fff" strokeWidth={2} />
      {fits && (
        <>
          <text x={x + 6} y={y + 18} fontSize={12} fontWeight={600} fill={light ? "#111827" : "#fff"} stroke="none">
            {text}
          </text>
          {height > 44 && share !== undefined && (
            <text x={x + 6} y={y + 34} fontSize={11} fill={light ? "#111827" : "#fff"} stroke="none">
              {formatShare(share)}
            </text>
          )}
        </>
      )}
    </g>
  );
}

function TreemapTooltip({ active, payload, currency }: TooltipContentProps & { currency: string | null }) {
  const s = payload?.[0]?.payload as (TreemapSegment & { fill: string }) | undefined;
  if (!active || !s) return null;
  return (
    <div className="chart-tooltip">
      <strong>{s.name}</strong>
      <div>{formatInteger(s.customers)} customers ({formatShare(s.customerShare)})</div>
      <div>
        Revenue {formatMoney(s.revenue, currency)} ({formatShare(s.revenueShare)} of revenue)
      </div>
    </div>
  );
}
