/**
 * Where a Sankey chart's nodes and bands go, as Recharts' <Sankey> places them
 * (recharts 3, chart/Sankey.js computeData) with the options our charts use:
 * nodes justified (a node with no outgoing band in the last column), no
 * relaxation passes (iterations={0}) and no sorting (sort={false}), so each
 * column keeps its nodes in the data's order, stacked from the top with
 * nodePadding between them, all at one scale (px per unit of value) that the
 * fullest column sets. A band leaves its source at the top of what that
 * node's earlier bands took, in the order of their targets' height, and
 * enters its target likewise. Recharts does not export this function, so the
 * static drawing (static-sankey.tsx) computes it here, and
 * sankey-layout.test.ts checks it against Recharts' own on random data: the
 * two drawings put every node and band at the same place, so nothing moves
 * when the interactive chart replaces the static one.
 *
 * Heights do not depend on the width: the server knows them. Across, a node
 * stands at column/lastColumn of the width less one node's width.
 */
export interface SankeyLink {
  source: number;
  target: number;
  value: number;
}

export interface SankeyOptions {
  /** The chart's height in px, margins included. */
  height: number;
  margin: { top: number; bottom: number };
  nodePadding: number;
}

export interface PlacedNode {
  /** Its column: 0 for the first. */
  column: number;
  /** The larger of its in and out flows. */
  value: number;
  /** px from the chart's top, margin included. */
  y: number;
  dy: number;
}

export interface PlacedLink extends SankeyLink {
  /** px from the chart's top to the band's middle where it leaves its source and where it enters its target. */
  sourceY: number;
  targetY: number;
  /** The band's width in px. */
  dy: number;
}

export interface SankeyLayout {
  nodes: PlacedNode[];
  links: PlacedLink[];
  /** The last column's number (0 when no node has a band). */
  lastColumn: number;
}

export function sankeyLayout(nodeCount: number, links: readonly SankeyLink[], { height, margin, nodePadding }: SankeyOptions): SankeyLayout {
  const outgoing = Array.from({ length: nodeCount }, () => [] as number[]);
  const incoming = Array.from({ length: nodeCount }, () => [] as number[]);
  links.forEach((l, i) => {
    outgoing[l.source]!.push(i);
    incoming[l.target]!.push(i);
  });
  const sum = (ids: number[]) => ids.reduce((s, i) => s + (links[i]!.value || 0), 0);
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ column: 0, value: Math.max(sum(incoming[i]!), sum(outgoing[i]!)), y: 0, dy: 0 }));

  // Columns: the longest path from a node without incoming bands; nodes without outgoing ones go to the last.
  const deepen = (i: number) => {
    for (const l of outgoing[i]!) {
      const t = links[l]!.target;
      if (nodes[i]!.column + 1 > nodes[t]!.column) {
        nodes[t]!.column = nodes[i]!.column + 1;
        deepen(t);
      }
    }
  };
  nodes.forEach((_, i) => incoming[i]!.length === 0 && deepen(i));
  const lastColumn = Math.max(0, ...nodes.map((n) => n.column));
  if (lastColumn >= 1) nodes.forEach((n, i) => outgoing[i]!.length === 0 && (n.column = lastColumn));
  const columns: number[][] = [];
  nodes.forEach((n, i) => (columns[n.column] ??= []).push(i));

  // One scale for all columns: the fullest one fills the plot's height.
  const plot = height - margin.top - margin.bottom;
  let ratio = Math.min(
    ...columns.filter(Boolean).map((c) => {
      const v = c.reduce((s, i) => s + nodes[i]!.value, 0);
      return v === 0 ? Infinity : (plot - (c.length - 1) * nodePadding) / v;
    }),
  );
  if (ratio === Infinity) ratio = 0;
  // Stacked from the top in the data's order (each starts at its index, pushed down by those above), then pulled back up from the bottom if the column overflows.
  for (const c of columns) {
    if (!c) continue;
    c.forEach((i, k) => Object.assign(nodes[i]!, { y: k, dy: nodes[i]!.value * ratio }));
    let y0 = 0;
    for (const i of c) {
      const n = nodes[i]!;
      if (y0 - n.y > 0) n.y = y0;
      y0 = n.y + n.dy + nodePadding;
    }
    y0 = plot + nodePadding;
    for (let k = c.length - 1; k >= 0; k--) {
      const n = nodes[c[k]!]!;
      const over = n.y + n.dy + nodePadding - y0;
      if (!(over > 0)) break;
      n.y -= over;
      y0 = n.y;
    }
  }

  // Bands: each node's outgoing ones stacked in the order of their targets' height, its incoming ones in the order of their sources'.
  const dy = links.map((l) => (l.value || 0) * ratio);
  const sy = links.map(() => 0);
  const ty = links.map(() => 0);
  nodes.forEach((_, i) => {
    let s = 0;
    for (const l of [...outgoing[i]!].sort((a, b) => nodes[links[a]!.target]!.y - nodes[links[b]!.target]!.y)) {
      sy[l] = s;
      s += dy[l]!;
    }
    let t = 0;
    for (const l of [...incoming[i]!].sort((a, b) => nodes[links[a]!.source]!.y - nodes[links[b]!.source]!.y)) {
      ty[l] = t;
      t += dy[l]!;
    }
  });

  return {
    nodes: nodes.map((n) => ({ ...n, y: n.y + margin.top })),
    links: links.map((l, i) => ({
      ...l,
      dy: dy[i]!,
      sourceY: nodes[l.source]!.y + sy[i]! + dy[i]! / 2 + margin.top,
      targetY: nodes[l.target]!.y + ty[i]! + dy[i]! / 2 + margin.top,
    })),
    lastColumn,
  };
}
