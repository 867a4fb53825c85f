import { describe, expect, test } from "vitest";
import { layoutDendrogram } from "./dendrogram";
import { hierarchicalSegmentation, wardLinkage } from "./hierarchical";
import { createRng } from "./random";

describe("layoutDendrogram", () => {
  // Leaves 0,1 close together, 2,3 close together, far apart (weighted: 3, 4, 5 and 6 customers): merges (0,1), (2,3), then the two.
  const points = [[0], [1], [10], [11]];
  const merges = wardLinkage(points, [3, 4, 5, 6]);
  const saved = { leaves: 4, leafSizes: [3, 4, 5, 6], merges };

  test("draws every merge when the tree is small, with leaves in an order where no link crosses", () => {
    const layout = layoutDendrogram(saved, 2);
    expect(layout.leaves.map((l) => l.node)).toEqual([0, 1, 2, 3]);
    expect(layout.leaves.map((l) => l.size)).toEqual([3, 4, 5, 6]);
    expect(layout.leaves.map((l) => l.cluster)).toEqual([0, 0, 1, 1]);
    expect(layout.links).toHaveLength(3);
    const root = layout.links.find((l) => l.node === 6)!;
    // The root joins the middles of its two children, at its own height, above the cut: no cluster colour.
    expect(root.points).toEqual([[0.5, merges[0]!.height], [0.5, merges[2]!.height], [2.5, merges[2]!.height], [2.5, merges[1]!.height]]);
    expect(root.cluster).toBeNull();
    expect(layout.links.filter((l) => l.cluster !== null).map((l) => l.cluster).sort()).toEqual([0, 1]);
    expect(layout.cutHeight).toBeCloseTo((merges[1]!.height + merges[2]!.height) / 2, 12);
    expect(layout.maxHeight).toBe(merges[2]!.height);
  });

  test("truncates to the last merges, each collapsed subtree a leaf with its customers, never fewer leaves than clusters", () => {
    const layout = layoutDendrogram(saved, 2, 2);
    expect(layout.leaves.map((l) => [l.node, l.size, l.cluster])).toEqual([[4, 7, 0], [5, 11, 1]]);
    expect(layout.links).toHaveLength(1);
    expect(layoutDendrogram(saved, 3, 2).leaves).toHaveLength(3);
  });

  test("on a segmentation's saved dendrogram, leaf clusters are the segments' labels and sizes add up to the customers", async () => {
    const random = createRng(5);
    const rows = Array.from({ length: 900 }, (_, i) => [(i % 3) * 50 + random() * 10, (i % 3) * 4 + random(), 100 + (i % 3) * 900 + random() * 50]);
    const result = await hierarchicalSegmentation(["recencyDays", "frequency", "monetary"], rows, { k: 3 });
    const layout = layoutDendrogram(result.dendrogram, 3);
    expect(layout.leaves).toHaveLength(30);
    expect(layout.leaves.reduce((s, l) => s + l.size, 0)).toBe(900);
    const perCluster = [0, 1, 2].map((c) => layout.leaves.filter((l) => l.cluster === c).reduce((s, l) => s + l.size, 0));
    expect(perCluster).toEqual([0, 1, 2].map((c) => result.labels.filter((l) => l === c).length));
    // Leaves of one cluster sit next to each other.
    const order = layout.leaves.map((l) => l.cluster).filter((c, i, all) => i === 0 || all[i - 1] !== c);
    expect(new Set(order).size).toBe(order.length);
    expect(layout.links.filter((l) => l.cluster === null)).toHaveLength(2);
  });
});
