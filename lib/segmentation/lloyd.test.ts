import { kmeans as mlKmeans } from "ml-kmeans";
import { describe, expect, test } from "vitest";
import { greedyKmeansPlusPlus, kmeansPlusPlus, lloyd, toFlat } from "./lloyd";
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

describe("k-means++ starts", () => {
  test("the start for k is the first k centres of the start for more with the same seed (auto-k draws one for all k)", () => {
    const flat = toFlat(customers(2000, 9));
    const eight = kmeansPlusPlus(flat, 8, 3);
    for (let k = 2; k < 8; k++) expect(kmeansPlusPlus(flat, k, 3)).toEqual(eight.subarray(0, k * 3));
  });

  test("so is greedy k-means++'s, for the same number of candidates per centre", () => {
    const flat = toFlat(customers(2000, 9));
    const seven = greedyKmeansPlusPlus(flat, 7, 3);
    for (let k = 3; k < 7; k++) expect(greedyKmeansPlusPlus(flat, k, 3)).toEqual(seven.subarray(0, k * 3));
    // 2 + ⌊ln k⌋ candidates: 3 from k = 3 to 7, 4 for k = 8.
    expect(greedyKmeansPlusPlus(flat, 8, 3, 3).subarray(0, 21)).toEqual(seven);
  });

  test("greedy k-means++ is seeded, picks k distinct points of the data, and starts closer than plain k-means++", () => {
    const flat = toFlat(customers(2000, 10));
    const a = greedyKmeansPlusPlus(flat, 5, 21);
    expect(greedyKmeansPlusPlus(flat, 5, 21)).toEqual(a);
    expect(greedyKmeansPlusPlus(flat, 5, 22)).not.toEqual(a);
    const rows = new Set(Array.from({ length: 2000 }, (_, i) => flat.data.subarray(i * 3, i * 3 + 3).join()));
    const picked = Array.from({ length: 5 }, (_, c) => a.subarray(c * 3, c * 3 + 3).join());
    expect(new Set(picked).size).toBe(5);
    expect(picked.every((p) => rows.has(p))).toBe(true);
    // Potential (squared distance to the nearest start centre), summed over 20 seeds: the greedy choice lowers it.
    const potential = (centres: Float64Array) => {
      let total = 0;
      for (let i = 0; i < 2000; i++) {
        let nearest = Number.POSITIVE_INFINITY;
        for (let c = 0; c < 5; c++) {
          let d = 0;
          for (let t = 0; t < 3; t++) d += (flat.data[i * 3 + t]! - centres[c * 3 + t]!) ** 2;
          nearest = Math.min(nearest, d);
        }
        total += nearest;
      }
      return total;
    };
    const seeds = Array.from({ length: 20 }, (_, s) => s + 1);
    const greedy = seeds.reduce((s, seed) => s + potential(greedyKmeansPlusPlus(flat, 5, seed)), 0);
    const plain = seeds.reduce((s, seed) => s + potential(kmeansPlusPlus(flat, 5, seed)), 0);
    expect(greedy).toBeLessThan(plain);
  });
});
