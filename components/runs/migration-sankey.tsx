"use client";

import { useRouter } from "next/navigation";
import { parseAsStringLiteral, useQueryState } from "nuqs";
import { useState } from "react";
import { ResponsiveContainer, Sankey, Tooltip, type TooltipContentProps } from "recharts";
import { LazyChart } from "@/components/charts/lazy-chart";
import { categoryColour } from "@/components/charts/palette";
import { sankeyLayout } from "@/components/charts/sankey-layout";
import { labelChars, NODE_LABEL_STYLE, StaticSankey } from "@/components/charts/static-sankey";
import { TipBox, truncate } from "@/components/charts/tooltip";
import { formatCompact, formatInteger, formatMoney } from "@/lib/format";
import { sankeyData, type Flow, type MigrationMatrix, type SankeyMeasure } from "@/lib/segmentation/migration";
import { columnHref, flowHref, rowHref, type MovesRuns } from "./migration-links";

const MEASURES = ["customers", "revenue"] as const;
const OUTSIDE = "#9ca3af";
// Both drawings' geometry (the static one places its nodes and bands as Recharts does with these).
const NODE_WIDTH = 12;
const NODE_PADDING = 14;
const MARGIN = { top: 24, right: 4, bottom: 8, left: 4 };
const BAND_OPACITY = 0.35;

type Node = ReturnType<typeof sankeyData>["nodes"][number] & { value?: number };
const colourOf = (node: { no: number | null }) => (node.no === null ? OUTSIDE : categoryColour(node.no));

/**
 * The moves between two runs as flows: the earlier run's segments on the
 * left (then "New"), the later run's on the right (then "Gone"), each band as
 * wide as its customers or its revenue since the earlier date (?by=revenue).
 * A band or a bar opens its customers. The server's HTML has it as a static
 * SVG placed as Recharts places it (StaticSankey), which the interactive
 * chart replaces once the page is idle (LazyChart).
 */
export function MigrationSankey({ matrix, runs, since, until, currency = null }: { matrix: MigrationMatrix; runs: MovesRuns; since: string; until: string; currency?: string | null }) {
  const router = useRouter();
  const [by, setBy] = useQueryState("by", parseAsStringLiteral(MEASURES).withDefault("customers"));
  const data = sankeyData(matrix, by);
  const height = Math.max(320, Math.max(matrix.rows.length, matrix.columns.length) * 46);
  const value = (v: number) => (by === "customers" ? `${formatInteger(v)}` : formatCompact(v));
  // Labels sit over the bands from both sides: on a phone each keeps to under half the width.
  const [width, setWidth] = useState(800);
  const chars = labelChars(width);
  const title = `Flows of customers from the segments as of ${since} (left) to those as of ${until} (right), each band as wide as its ${by === "customers" ? "customers" : `revenue since ${since}`}`;

  function open(item: unknown, type: "node" | "link") {
    const payload = (item as { payload?: { flow?: Flow; side?: "from" | "to"; no?: number | null } }).payload;
    if (type === "link" && payload?.flow) router.push(flowHref(runs, payload.flow.fromNo, payload.flow.toNo));
    if (type === "node" && payload?.side) router.push(payload.side === "from" ? rowHref(runs, payload.no ?? null) : columnHref(runs, payload.no ?? null));
  }

  return (
    <div data-testid="migration-sankey" className="migration-sankey">
      <div className="migration-measure" role="group" aria-label="Band width">
        {MEASURES.map((m) => (
          <button key={m} type="button" className={`button small${by === m ? " primary" : ""}`} aria-pressed={by === m} onClick={() => void setBy(m === "customers" ? null : m)}>
            {m === "customers" ? "Customers" : `Revenue since ${since}`}
          </button>
        ))}
      </div>
      {data.links.length === 0 ? (
        <div className="empty chart-empty">No revenue between the two dates: every band would be empty.</div>
      ) : (
        <LazyChart drawing={<StaticMigrationSankey data={data} height={height} title={title} runs={runs} since={since} until={until} measure={by} currency={currency} value={value} />}>
          <ResponsiveContainer width="100%" height={height} onResize={(w) => setWidth(w)}>
            <Sankey
              data={data}
              sort={false}
              nodePadding={NODE_PADDING}
              nodeWidth={NODE_WIDTH}
              iterations={0}
              margin={MARGIN}
              title={title}
              node={(props) => <SankeyNode {...props} value={value} chars={chars} />}
              link={(props) => {
                const source = props.payload.source as unknown as Node;
                return (
                  <path
                    className="migration-band"
                    d={`M${props.sourceX},${props.sourceY} C${props.sourceControlX},${props.sourceY} ${props.targetControlX},${props.targetY} ${props.targetX},${props.targetY}`}
                    fill="none"
                    stroke={colourOf(source)}
                    strokeOpacity={BAND_OPACITY}
                    strokeWidth={Math.max(props.linkWidth, 1)}
                  />
                );
              }}
              onClick={(item, type) => open(item, type)}
            >
              <Tooltip content={(p) => <FlowTooltip {...p} since={since} until={until} measure={by} currency={currency} />} />
            </Sankey>
          </ResponsiveContainer>
        </LazyChart>
      )}
      <p className="small muted migration-axis">
        <span>← as of {since}</span>
        <span>as of {until} →</span>
      </p>
    </div>
  );
}

function SankeyNode({ x, y, width, height, payload, value, chars }: { x: number; y: number; width: number; height: number; payload: unknown; value: (v: number) => string; chars: number }) {
  const node = payload as Node;
  const left = node.side === "from";
  const label = `${truncate(node.name, chars)} ${value(node.value ?? 0)}`;
  return (
    <g className="migration-node" data-node={`${node.side}:${node.name}`}>
      <rect x={x} y={y} width={width} height={Math.max(height, 1)} fill={colourOf(node)} />
      <text x={left ? x + width + 6 : x - 6} y={y + height / 2} textAnchor={left ? "start" : "end"} {...NODE_LABEL_STYLE}>
        {label}
      </text>
    </g>
  );
}

function FlowTooltip({ active, payload, since, until, measure, currency }: Partial<TooltipContentProps> & { since: string; until: string; measure: SankeyMeasure; currency: string | null }) {
  // Sankey's tooltip entry wraps the band or the bar it is about: { payload: link or node, name, value }.
  const entry = payload?.[0]?.payload as { payload?: { flow?: Flow; name?: string; side?: "from" | "to"; value?: number } } | undefined;
  const item = entry?.payload;
  if (!active || !item) return null;
  if (item.flow) {
    const f = item.flow;
    return (
      <TipBox
        title={`${f.fromSegment} → ${f.toSegment}`}
        rows={[
          ["Customers", formatInteger(f.customers)],
          [`Revenue since ${since}`, f.revenueSince === null ? "–" : formatMoney(f.revenueSince, currency)],
          [`Revenue to ${until}`, f.revenue === null ? "–" : formatMoney(f.revenue, currency)],
          ["Bought again", formatInteger(f.boughtAgain)],
        ]}
        note="Click to open these customers."
      />
    );
  }
  const what = measure === "customers" ? "Customers" : `Revenue since ${since}`;
  const figure = measure === "customers" ? formatInteger(item.value ?? 0) : formatMoney(item.value ?? 0, currency);
  return <TipBox title={`${item.name ?? ""}, as of ${item.side === "from" ? since : until}`} rows={[[what, figure]]} note="Click to open its customers." />;
}

/** The flows as the server's HTML draws them: the same nodes, bands, colours and labels, where Recharts puts them. */
function StaticMigrationSankey({
  data,
  height,
  title,
  runs,
  since,
  until,
  measure,
  currency,
  value,
}: {
  data: ReturnType<typeof sankeyData>;
  height: number;
  title: string;
  runs: MovesRuns;
  since: string;
  until: string;
  measure: SankeyMeasure;
  currency: string | null;
  value: (v: number) => string;
}) {
  const layout = sankeyLayout(data.nodes.length, data.links, { height, margin: MARGIN, nodePadding: NODE_PADDING });
  const figure = (v: number) => (measure === "customers" ? `${formatInteger(v)} customers` : `${formatMoney(v, currency)} revenue since ${since}`);
  return (
    <StaticSankey
      title={title}
      height={height}
      layout={layout}
      nodeWidth={NODE_WIDTH}
      margin={MARGIN}
      nodes={data.nodes.map((node, i) => {
        const total = layout.nodes[i]!.value;
        return {
          key: `${node.side}:${node.name}`,
          colour: colourOf(node),
          label: (chars: number) => `${truncate(node.name, chars)} ${value(total)}`,
          title: `${node.name}, as of ${node.side === "from" ? since : until}: ${figure(total)}`,
          href: node.side === "from" ? rowHref(runs, node.no) : columnHref(runs, node.no),
        };
      })}
      links={data.links.map((link) => {
        const f = link.flow;
        return {
          colour: colourOf(data.nodes[link.source]!),
          opacity: BAND_OPACITY,
          title: `${f.fromSegment} → ${f.toSegment}: ${formatInteger(f.customers)} customers, ${f.revenueSince === null ? "no" : formatMoney(f.revenueSince, currency)} revenue since ${since}`,
          href: flowHref(runs, f.fromNo, f.toNo),
        };
      })}
    />
  );
}
