/**
 * A two-column Sankey chart drawn as plain SVG for the server's HTML (see
 * static-chart.tsx for why), placed by sankeyLayout, which places nodes and
 * bands as Recharts' <Sankey> does: the interactive chart that replaces it
 * draws them at the same place.
 *
 * The server knows the height (the layout's heights are px) but not the
 * width. Across, the left nodes stand at margin.left, the right ones end at
 * margin.right from the edge, and the bands run between them: the <svg> is
 * as wide as the bands (the box's padding is the nodes' room, drawn into with
 * overflow: visible), the bands are drawn in an inner <svg> 1000 units wide
 * stretched to it (a cubic Bézier stretched across is the Bézier of the
 * stretched control points, which are Recharts' own: halfway across; the
 * stroke keeps its px width with vector-effect="non-scaling-stroke"), and the
 * right nodes and their labels stand at x="100%". A label is cut to as many
 * characters as the interactive chart allows at the box's width: each cut is
 * drawn and a container query on the box keeps the one for its width
 * (static-chart.css). Each node and band is a link to its customers, with a
 * <title> (the browser's tooltip), so the drawing works without JavaScript
 * (out of the tab order: the picture is one image to assistive technology,
 * whose links to the same customers are the migration matrix's).
 */
import type { SankeyLayout } from "./sankey-layout";

const W = 1000;

/** How many characters a node's label keeps at the chart's width (px): both drawings cut there. */
export const LABEL_WIDTHS = [
  { chars: 13, className: "sankey-label-narrow", below: 480 },
  { chars: 18, className: "sankey-label-mid", below: 700 },
  { chars: 26, className: "sankey-label-wide", below: Infinity },
] as const;

/** How a node's label is drawn, in both drawings (the halo keeps it legible over the bands). */
export const NODE_LABEL_STYLE = { dy: "0.35em", fontSize: 12, fill: "#111827", stroke: "#fff", strokeWidth: 3, paintOrder: "stroke" } as const;

export const labelChars = (width: number) => LABEL_WIDTHS.find((w) => width < w.below)!.chars;

export interface StaticSankeyNode {
  key: string;
  colour: string;
  /** The label at each of LABEL_WIDTHS's character counts. */
  label: (chars: number) => string;
  title: string;
  href?: string;
}

export interface StaticSankeyLink {
  colour: string;
  opacity: number;
  title: string;
  href?: string;
}

export function StaticSankey({
  title,
  height,
  layout,
  nodes,
  links,
  nodeWidth,
  margin,
}: {
  title: string;
  height: number;
  layout: SankeyLayout;
  /** In the layout's order. */
  nodes: StaticSankeyNode[];
  links: StaticSankeyLink[];
  nodeWidth: number;
  margin: { left: number; right: number };
}) {
  const marks = layout.links.map((l, i) => {
    const link = links[i]!;
    const [s, t] = [l.sourceY.toFixed(2), l.targetY.toFixed(2)];
    const band = (
      <path
        className="static-band"
        d={`M0,${s}C${W / 2},${s} ${W / 2},${t} ${W},${t}`}
        fill="none"
        stroke={link.colour}
        strokeOpacity={link.opacity}
        strokeWidth={Math.max(l.dy, 1)}
        vectorEffect="non-scaling-stroke"
        data-band={i}
      />
    );
    return link.href ? (
      <a key={i} href={link.href} tabIndex={-1}>
        <title>{link.title}</title>
        {band}
      </a>
    ) : (
      <g key={i}>
        <title>{link.title}</title>
        {band}
      </g>
    );
  });
  const cuts = (node: StaticSankeyNode) => {
    const texts = LABEL_WIDTHS.map((w) => ({ ...w, text: node.label(w.chars) }));
    return texts.every((t) => t.text === texts[0]!.text) ? [{ className: undefined, text: texts[0]!.text }] : texts;
  };
  const bars = layout.nodes.map((n, i) => {
    const node = nodes[i]!;
    const left = n.column === 0;
    const y = n.y.toFixed(2);
    const inner = (
      <>
        <title>{node.title}</title>
        <rect x={left ? -nodeWidth : "100%"} y={y} width={nodeWidth} height={Math.max(n.dy, 1)} fill={node.colour} />
        {cuts(node).map((c) => (
          <text
            key={c.className ?? "all"}
            className={c.className}
            x={left ? 6 : "100%"}
            dx={left ? undefined : -6}
            y={(n.y + n.dy / 2).toFixed(2)}
            textAnchor={left ? "start" : "end"}
            {...NODE_LABEL_STYLE}
          >
            {c.text}
          </text>
        ))}
      </>
    );
    return node.href ? (
      <a key={node.key} href={node.href} tabIndex={-1} className="static-node" data-static-node={node.key}>
        {inner}
      </a>
    ) : (
      <g key={node.key} className="static-node" data-static-node={node.key}>
        {inner}
      </g>
    );
  });
  return (
    <div className="static-chart static-sankey" data-static-chart style={{ height }}>
      <div style={{ height, paddingLeft: margin.left + nodeWidth, paddingRight: margin.right + nodeWidth }}>
        <svg role="img" aria-label={title} width="100%" height={height} overflow="visible" className="static-chart-svg">
          <title>{title}</title>
          <svg width="100%" height={height} viewBox={`0 0 ${W} ${height}`} preserveAspectRatio="none" overflow="visible">
            {marks}
          </svg>
          {bars}
        </svg>
      </div>
    </div>
  );
}
