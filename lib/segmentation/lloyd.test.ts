import { kmeans as mlKmeans } from "ml-kmeans";
import { describe, expect, test } from "vitest";
import { kmeansPlusPlus, lloyd, toFlat } from "./lloyd";
import { createRng } from "./random";

function customers(n: number, seed: number): number[][] {
  const random = createRng(seed);
  const centres = [[0, 0, 0], [4, 1, 2], [1, 5, 1], [5, 5, 5], [2, 2, 6]];
  return Array.from({ length: n }, (_, i) => centres[i % centres.length]!.map((v) => v + (random() - 0.5) * 2.5));
}

describe("lloyd (typed arrays)", () => {
  test.each([1, 2, 3])("ends with the same clusters as ml-kmeans from the same k-means++ start (seed %d)", (seed) => {
    const rows = customers(3000, seed);
    const flat = toFlat(rows);
    const start = kmeansPlusPlus(flat, 5, seed);
    const ours = lloyd(flat, start, { maxIterations: 300 });
    const startRows = Array.from({ length: 5 }, (_, c) => Array.from(start.subarray(c * 3, c * 3 + 3)));
    const reference = mlKmeans(rows, 5, { initialization: startRows, maxIterations: 300 });
    expect(ours.converged).toBe(true);
    expect(Array.from(ours.labels)).toEqual(reference.clusters);
    reference.centroids.forEach((c, i) => c.forEach((v, t) => expect(ours.centroids[i * 3 + t]).toBeCloseTo(v, 9)));
  });

  test("k-means++ is seeded: same seed, same start; picks k distinct points of the data", () => {
    const flat = toFlat(customers(500, 4));
    const a = kmeansPlusPlus(flat, 6, 11);
    expect(kmeansPlusPlus(flat, 6, 11)).toEqual(a);
    expect(kmeansPlusPlus(flat, 6, 12)).not.toEqual(a);
    const rows = new Set(Array.from({ length: 500 }, (_, i) => flat.data.subarray(i * 3, i * 3 + 3).join()));
    const picked = Array.from({ length: 6 }, (_, c) => a.subarray(c * 3, c * 3 + 3).join());
    expect(new Set(picked).size).toBe(6);
    expect(picked.every((p) => rows.has(p))).toBe(true);
  });
});
