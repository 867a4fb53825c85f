import os from "node:os";
import { describe, expect, test } from "vitest";
import { silhouettes } from "../segmentation/cluster-quality";
import { kmeansSegmentation, LARGE } from "../segmentation/kmeans";
import { kmeansPlusPlus, lloyd, toFlat, type LloydResult } from "../segmentation/lloyd";
import { createRng } from "../segmentation/random";
import { KernelPool, kernelPool } from "./pool";
import { lloydParallel, silhouettesParallel, threadedEngine } from "./threads";

/**
 * Worker threads change how fast, never what: every result here must equal,
 * to the last bit, the one computed on the calling thread alone
 * (lib/segmentation's own engine).
 */
const FEATURES = ["recencyDays", "frequency", "monetary"];

function customers(n: number, seed: number): number[][] {
  const random = createRng(seed);
  const centres = [[0, 0, 0], [4, 1, 2], [1, 5, 1], [5, 5, 5], [2, 2, 6]];
  return Array.from({ length: n }, (_, i) => centres[i % centres.length]!.map((v) => v + (random() - 0.5) * 2.5));
}

describe("kmeansSegmentation on worker threads", () => {
  // Skewed like real customers: recency days, orders, spend.
  const random = createRng(17);
  const skewed = () => -Math.log(1 - random());
  const rows = Array.from({ length: LARGE + 5000 }, () => [skewed() * 90, 1 + Math.floor(skewed() * 4), skewed() * 2000]);

  test("above LARGE (Lloyd on typed arrays), k = auto gives exactly the result computed on the calling thread alone", async () => {
    const threaded = await kmeansSegmentation(FEATURES, rows, { k: "auto", seed: 5, engine: threadedEngine() });
    const alone = await kmeansSegmentation(FEATURES, rows, { k: "auto", seed: 5 });
    expect(threaded.candidates).toEqual(alone.candidates);
    expect(threaded.k).toBe(alone.k);
    expect(threaded.labels).toEqual(alone.labels);
    expect(threaded.centroids).toEqual(alone.centroids);
    expect(threaded.profiles).toEqual(alone.profiles);
    expect(threaded.candidates.map((c) => c.k)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(threaded.candidates.every((c) => c.silhouette > 0 && c.silhouette < 1)).toBe(true);
    // The workers did run (and are still there): the numbers above did not come from a fallback.
    if (os.availableParallelism() > 1) expect(kernelPool()?.usable).toBe(true);
  });

  test("below LARGE (ml-kmeans here, silhouettes on worker threads), the same result as on the calling thread alone", async () => {
    const small = rows.slice(0, 3000);
    const threaded = await kmeansSegmentation(FEATURES, small, { k: "auto", seed: 6, engine: threadedEngine() });
    const alone = await kmeansSegmentation(FEATURES, small, { k: "auto", seed: 6 });
    expect(threaded).toEqual(alone);
    expect(kernelPool()?.usable ?? true).toBe(true);
  });

  test("silhouettes from worker threads equal the calling thread's to the last bit", async () => {
    const data = rows.slice(0, 3000).map((r) => [Math.log1p(r[0]!), r[1]!, Math.log1p(r[2]!)]);
    const labelings = [2, 3, 5].map((k) => data.map((r) => Math.min(k - 1, Math.floor(r[0]! * 0.3 + r[2]! * 0.1) % k)));
    const pool = new KernelPool(3);
    try {
      const threaded = await silhouettesParallel(toFlat(data), labelings, [2, 3, 5], 2500, 4, { pool });
      expect(pool.usable).toBe(true);
      expect(threaded).toEqual(silhouettes(data, labelings, [2, 3, 5], 2500, 4));
      // Scored one at a time, each labeling's clusters are its own atoms: the same up to rounding.
      labelings.forEach((l, i) => expect(silhouettes(data, [l], [[2, 3, 5][i]!], 2500, 4)[0]).toBeCloseTo(threaded[i]!, 12));
    } finally {
      await pool.close();
    }
  });
});

describe("lloyd on worker threads", () => {
  const same = (a: LloydResult, b: LloydResult) => {
    expect(b.iterations).toBe(a.iterations);
    expect(b.converged).toBe(a.converged);
    expect(b.inertia).toBe(a.inertia);
    expect(Array.from(b.centroids)).toEqual(Array.from(a.centroids));
    expect(Buffer.from(b.labels.buffer, b.labels.byteOffset, b.labels.byteLength).equals(Buffer.from(a.labels.buffer, a.labels.byteOffset, a.labels.byteLength))).toBe(true);
  };

  test("lloydParallel gives exactly lloyd's labels, centres, inertia and iterations (60,000 customers, k = 6)", async () => {
    const flat = toFlat(customers(60_000, 5));
    const start = kmeansPlusPlus(flat, 6, 5);
    const options = { maxIterations: 100, tolerance: 1e-4 };
    const pool = new KernelPool(2);
    try {
      const parallel = await lloydParallel(flat, start, { ...options, pool });
      expect(pool.usable).toBe(true);
      same(lloyd(flat, start, options), parallel);
    } finally {
      await pool.close();
    }
  });

  test("the same to the last bit on 1, 2 or 3 threads, in any dimension, whatever the chunks", async () => {
    // 2 dimensions (the general path, not the one written out for 3), a size that is no multiple of the chunk size.
    const random = createRng(8);
    const rows = Array.from({ length: 23_457 }, (_, i) => [(i % 4) * 2 + random(), (i % 3) * 2 + random()]);
    const flat = toFlat(rows);
    const start = kmeansPlusPlus(flat, 7, 8);
    const options = { maxIterations: 100, tolerance: -1 };
    const reference = lloyd(flat, start, options);
    expect(reference.iterations).toBeGreaterThan(5);
    for (const size of [1, 2, 3]) {
      const pool = new KernelPool(size);
      try {
        same(reference, await lloydParallel(flat, start, { ...options, pool }));
        expect(pool.usable).toBe(true);
      } finally {
        await pool.close();
      }
    }
  });

  test("with its workers gone, lloydParallel computes the same result on the calling thread", async () => {
    const flat = toFlat(customers(30_000, 6));
    const start = kmeansPlusPlus(flat, 4, 6);
    const pool = new KernelPool(2);
    await pool.close();
    expect(pool.usable).toBe(false);
    same(lloyd(flat, start), await lloydParallel(flat, start, { pool }));
  });
});

