import { createRequire } from "node:module";
import type { computeData as ComputeData } from "recharts/types/chart/Sankey";
import { describe, expect, test } from "vitest";
import { sankeyLayout, type SankeyLink } from "./sankey-layout";

// Recharts' own layout (its module's, not exported from its index): the reference the static drawing must match.
const { computeData } = createRequire(import.meta.url)("recharts/lib/chart/Sankey") as { computeData: typeof ComputeData };

const OPTIONS = { nodePadding: 14, margin: { top: 24, bottom: 8 } };

/** Recharts' placement, in px from the chart's top (what its node and link props carry), for our options. */
function recharts(nodeCount: number, links: SankeyLink[], height: number) {
  const data = { nodes: Array.from({ length: nodeCount }, (_, i) => ({ name: `n${i}` })), links: links.map((l) => ({ ...l })) };
  const c = computeData({ data, width: 800, height: height - OPTIONS.margin.top - OPTIONS.margin.bottom, iterations: 0, nodeWidth: 12, nodePadding: 14, sort: false, verticalAlign: "justify", align: "justify" });
  const top = OPTIONS.margin.top;
  return {
    nodes: c.nodes.map((n) => ({ y: n.y + top, dy: n.dy, column: n.depth })),
    links: c.links.map((l) => {
      const s = c.nodes[l.source]!;
      const t = c.nodes[l.target]!;
      return { dy: l.dy, sourceY: s.y + l.sy + l.dy / 2 + top, targetY: t.y + l.ty + l.dy / 2 + top };
    }),
  };
}

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Moves between two runs as sankeyData makes them: rows 0..r-1 on the left, columns r..r+c-1 on the right, every node with a band. */
function moves(rand: () => number) {
  const r = 1 + Math.floor(rand() * 9);
  const c = 1 + Math.floor(rand() * 9);
  const links: SankeyLink[] = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) if (rand() < 0.55) links.push({ source: i, target: r + j, value: Math.ceil(rand() ** 3 * 5000) });
  // Every node used, as sankeyData keeps only those.
  for (let i = 0; i < r; i++) if (!links.some((l) => l.source === i)) links.push({ source: i, target: r + Math.floor(rand() * c), value: 1 + Math.floor(rand() * 40) });
  for (let j = 0; j < c; j++) if (!links.some((l) => l.target === r + j)) links.push({ source: Math.floor(rand() * r), target: r + j, value: 1 + Math.floor(rand() * 40) });
  return { nodeCount: r + c, links, height: Math.max(320, Math.max(r, c) * 46) };
}

describe("sankeyLayout", () => {
  test("places nodes and bands where Recharts' Sankey does (200 random sets of moves)", () => {
    const rand = random(20261207);
    for (let k = 0; k < 200; k++) {
      const { nodeCount, links, height } = moves(rand);
      const ours = sankeyLayout(nodeCount, links, { height, ...OPTIONS });
      const theirs = recharts(nodeCount, links, height);
      expect(ours.lastColumn).toBe(1);
      ours.nodes.forEach((n, i) => {
        const t = theirs.nodes[i]!;
        expect(n.column, `set ${k} node ${i}`).toBe(t.column);
        expect(n.y).toBeCloseTo(t.y, 6);
        expect(n.dy).toBeCloseTo(t.dy, 6);
      });
      ours.links.forEach((l, i) => {
        const t = theirs.links[i]!;
        expect(l.dy, `set ${k} link ${i}`).toBeCloseTo(t.dy, 6);
        expect(l.sourceY).toBeCloseTo(t.sourceY, 6);
        expect(l.targetY).toBeCloseTo(t.targetY, 6);
      });
    }
  });

  test("a small case worked by hand: the fuller column fills the height", () => {
    // Left: A (30) and B (10); right: X (25) and Y (15). Plot 100 px high, 10 px padding: (100 - 10) / 40 = 2.25 px a unit.
    const links = [
      { source: 0, target: 2, value: 20 },
      { source: 0, target: 3, value: 10 },
      { source: 1, target: 2, value: 5 },
      { source: 1, target: 3, value: 5 },
    ];
    const l = sankeyLayout(4, links, { height: 100, margin: { top: 0, bottom: 0 }, nodePadding: 10 });
    expect(l.nodes.map((n) => [n.column, n.y, n.dy])).toEqual([
      [0, 0, 67.5],
      [0, 77.5, 22.5],
      [1, 0, 56.25],
      [1, 66.25, 33.75],
    ]);
    // A→X leaves A at its top (0 + 45/2) and enters X at its top; B→X enters X below A→X (45 + 11.25/2).
    expect(l.links.map((k) => [k.sourceY, k.targetY, k.dy])).toEqual([
      [22.5, 22.5, 45],
      [56.25, 77.5, 22.5],
      [83.125, 50.625, 11.25],
      [94.375, 94.375, 11.25],
    ]);
  });
});
