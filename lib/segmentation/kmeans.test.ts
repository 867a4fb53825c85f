import { describe, expect, test } from "vitest";
import { adjustedRandIndex, crosstab } from "./compare";
import { chooseK, clusterQuality } from "./cluster-quality";
import { kmeansSegmentation } from "./kmeans";
import { clusterName } from "./profiles";
import { standardise } from "./scaling";
import { createRng } from "./random";

/** Customers around `centres` (recency days, frequency, monetary), with seeded noise. */
function blobs(centres: number[][], perBlob: number, seed = 3): { rows: number[][]; truth: number[] } {
  const random = createRng(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((centre, c) => {
    for (let i = 0; i < perBlob; i++) {
      rows.push(centre.map((v) => Math.max(0, v * (1 + (random() - 0.5) * 0.2))));
      truth.push(c);
    }
  });
  return { rows, truth };
}

const FEATURES = ["recencyDays", "frequency", "monetary"];
const CENTRES = [
  [10, 30, 5000], // recent, loyal, big
  [300, 1, 40], // lapsed one-timers
  [40, 6, 300], // regulars
  [200, 8, 2500], // lapsed big spenders
];

describe("kmeansSegmentation", () => {
  const { rows, truth } = blobs(CENTRES, 60);
  const labels = (xs: number[]) => xs.map(String);

  test("recovers well separated groups exactly, and picks their number with k = auto", async () => {
    const result = await kmeansSegmentation(FEATURES, rows, { k: "auto", seed: 11 });
    expect(result.k).toBe(4);
    expect(result.candidates.map((c) => c.k)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(adjustedRandIndex(labels(result.labels), labels(truth))).toBe(1);
    // The inertia curve falls as k grows.
    const inertias = result.candidates.map((c) => c.inertia);
    expect(inertias).toEqual([...inertias].sort((a, b) => b - a));
  });

  test("same data, options and seed: same result", async () => {
    const a = await kmeansSegmentation(FEATURES, rows, { k: 5, seed: 2 });
    const b = await kmeansSegmentation(FEATURES, rows, { k: 5, seed: 2 });
    expect(b.labels).toEqual(a.labels);
    expect(b.quality).toEqual(a.quality);
  });

  test("profiles clusters in original units and names them from how they differ", async () => {
    const result = await kmeansSegmentation(FEATURES, rows, { k: 4, seed: 11 });
    const names = result.profiles.map((p) => p.name).sort();
    // Against the median customer (120 days, 7 orders, 1,400): the regulars' 300 is low spend.
    expect(names).toEqual(["Lapsed high spenders", "Lapsed one-timers", "Recent loyal high spenders", "Recent low spenders"].sort());
    const loyal = result.profiles.find((p) => p.name === "Recent loyal high spenders")!;
    expect(loyal.size).toBe(60);
    expect(loyal.share).toBeCloseTo(0.25, 10);
    expect(loyal.means.monetary).toBeGreaterThan(4500);
    expect(loyal.means.monetary).toBeLessThan(5500);
  });

  test.each([
    [{ k: 1 }, /k must be a whole number from 2 to 20/],
    [{ k: "auto" as const, kRange: [5, 3] as [number, number] }, /k must be/],
    [{ k: 200 }, /k must be/],
  ])("refuses %j", async (options, message) => {
    await expect(kmeansSegmentation(FEATURES, rows, options)).rejects.toThrow(message);
  });

  test("refuses too few customers and missing values", async () => {
    await expect(kmeansSegmentation(FEATURES, rows.slice(0, 5), { k: 3 })).rejects.toThrow(/too few for 3 clusters/);
    await expect(kmeansSegmentation(FEATURES, [...rows, [1, Number.NaN, 3]], { k: 3 })).rejects.toThrow(/finite value/);
  });
});

describe("standardise", () => {
  test("logs right-skewed non-negative features and gives every feature mean 0 and sd 1", () => {
    const { data, scaling } = standardise(["skewed", "even"], [[1, 1], [2, 2], [3, 3], [1000, 4]]);
    expect(scaling.logged).toEqual([true, false]);
    for (let j = 0; j < 2; j++) {
      const col = data.map((r) => r[j]!);
      expect(col.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
      expect(col.reduce((s, v) => s + v * v, 0) / col.length).toBeCloseTo(1, 12);
    }
  });
});

describe("cluster quality", () => {
  // A hand-checkable case: two tight pairs far apart on a line.
  const data = [[0], [2], [10], [12]];
  const labels = [0, 0, 1, 1];
  const centroids = [[1], [11]];
  const q = clusterQuality(data, labels, centroids, 5000, 1);

  test("inertia, Calinski-Harabasz and Davies-Bouldin by hand", () => {
    expect(q.inertia).toBe(4); // 1 + 1 + 1 + 1
    // between = 2·(1-6)² + 2·(11-6)² = 100; CH = (100/1) / (4/2) = 50
    expect(q.calinskiHarabasz).toBeCloseTo(50, 12);
    // scatter 1 each, centroids 10 apart: DB = (1 + 1) / 10
    expect(q.daviesBouldin).toBeCloseTo(0.2, 12);
  });

  test("silhouette by hand: a = 2 for each point; b = 11 for the outer points, 9 for the inner ones", () => {
    const expected = ((11 - 2) / 11 + (9 - 2) / 9 + (9 - 2) / 9 + (11 - 2) / 11) / 4;
    expect(q.silhouette).toBeCloseTo(expected, 12);
  });

  test("chooseK takes the best mean rank over the three measures", () => {
    const c = (k: number, ch: number, db: number, s: number) => ({ k, inertia: 0, calinskiHarabasz: ch, daviesBouldin: db, silhouette: s });
    expect(chooseK([c(3, 10, 1, 0.3), c(4, 20, 0.5, 0.5), c(5, 15, 0.7, 0.4)])).toBe(4);
  });
});

describe("comparing two segmentations", () => {
  test("the adjusted Rand index is 1 for the same partition under other names, and the crosstab counts pairs", () => {
    const a = ["x", "x", "y", "y", "z"];
    const b = ["2", "2", "1", "1", "3"];
    expect(adjustedRandIndex(a, b)).toBe(1);
    expect(crosstab(a, b)).toEqual({ rows: ["x", "y", "z"], columns: ["1", "2", "3"], counts: [[0, 2, 0], [2, 0, 0], [0, 0, 1]] });
  });

  test("the adjusted Rand index of a known case (scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714…)", () => {
    expect(adjustedRandIndex(["0", "0", "1", "1"], ["0", "0", "1", "2"])).toBeCloseTo(4 / 7, 12);
  });
});

describe("clusterName", () => {
  test.each([
    [{ recencyDays: 10, frequency: 12, monetary: 900 }, "Recent loyal high spenders"],
    [{ recencyDays: 400, frequency: 1, monetary: 30 }, "Lapsed one-timers"],
    [{ recencyDays: 100, frequency: 3, monetary: 120 }, "Steady regular buyers"],
  ])("%j is %s", (means, name) => {
    expect(clusterName(means, { recencyDays: 100, frequency: 4, monetary: 200 })).toBe(name);
  });
});
