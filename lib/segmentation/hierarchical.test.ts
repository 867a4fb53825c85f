import { agnes } from "ml-hclust";
import { describe, expect, test } from "vitest";
import { adjustedRandIndex } from "./compare";
import { cutTree, hierarchicalSegmentation, wardLinkage } from "./hierarchical";
import { createRng } from "./random";

const random = createRng(21);
const points = Array.from({ length: 40 }, () => [random() * 10, random() * 10, random() * 3]);

function mlHclustHeights(data: number[][]): number[] {
  const heights: number[] = [];
  agnes(data, { method: "ward2" }).traverse((node) => {
    if (!node.isLeaf) heights.push(node.height);
  });
  return heights.sort((a, b) => a - b);
}

describe("wardLinkage", () => {
  test("with unit weights merges at ml-hclust's Ward (ward2) heights", () => {
    const ours = wardLinkage(points, points.map(() => 1)).map((m) => m.height);
    expect(ours).toHaveLength(39);
    const reference = mlHclustHeights(points);
    ours.forEach((h, i) => expect(h).toBeCloseTo(reference[i]!, 9));
  });

  test("a point of weight 2 links as two copies of it", () => {
    const few = points.slice(0, 12);
    const weighted = wardLinkage(few, few.map((_, i) => (i < 4 ? 2 : 1))).map((m) => m.height);
    const copies = wardLinkage([...few, ...few.slice(0, 4)], [...few, ...few.slice(0, 4)].map(() => 1))
      .map((m) => m.height)
      .filter((h) => h > 1e-12); // the copies first merge with their twins at height 0
    expect(weighted).toHaveLength(copies.length);
    weighted.forEach((h, i) => expect(h).toBeCloseTo(copies[i]!, 9));
  });

  test("cutTree undoes the last merges", () => {
    const merges = wardLinkage([[0], [1], [10], [11]], [1, 1, 1, 1]);
    expect(cutTree(merges, 4, 2)).toEqual([0, 0, 1, 1]);
    expect(cutTree(merges, 4, 4)).toEqual([0, 1, 2, 3]);
  });
});

describe("hierarchicalSegmentation", () => {
  const centres = [
    [10, 30, 5000],
    [300, 1, 40],
    [40, 6, 300],
    [200, 8, 2500],
  ];
  function blobs(perBlob: number) {
    const r = createRng(8);
    const rows: number[][] = [];
    const truth: string[] = [];
    centres.forEach((c, g) => {
      for (let i = 0; i < perBlob; i++) {
        rows.push(c.map((v) => v * (1 + (r() - 0.5) * 0.2)));
        truth.push(String(g));
      }
    });
    return { rows, truth };
  }
  const features = ["recencyDays", "frequency", "monetary"];

  test("recovers separated groups on every customer (few customers)", async () => {
    const { rows, truth } = blobs(40);
    const result = await hierarchicalSegmentation(features, rows, { k: 4 });
    expect(result.dendrogram.leaves).toBe(160);
    expect(adjustedRandIndex(result.labels.map(String), truth)).toBe(1);
  });

  test("recovers them through weighted micro-clusters (many customers), keeping the dendrogram", async () => {
    const { rows, truth } = blobs(2500);
    const result = await hierarchicalSegmentation(features, rows, { k: 4, microClusters: 200 });
    expect(result.dendrogram.leaves).toBeLessThanOrEqual(200);
    expect(result.dendrogram.leafSizes.reduce((s, n) => s + n, 0)).toBe(10_000);
    expect(result.dendrogram.merges).toHaveLength(result.dendrogram.leaves - 1);
    expect(adjustedRandIndex(result.labels.map(String), truth)).toBe(1);
    expect(result.profiles.map((p) => p.size).sort()).toEqual([2500, 2500, 2500, 2500]);
  });
});
