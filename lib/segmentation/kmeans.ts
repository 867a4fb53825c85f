import { kmeans as mlKmeans } from "ml-kmeans";
import { measures, chooseK, type ClusterQuality } from "./cluster-quality";
import { onThisThread, type ClusteringEngine } from "./engine";
import { greedyKmeansPlusPlus, kmeansPlusPlus, type FlatPoints } from "./lloyd";
import { profile, type ClusterProfile } from "./profiles";
import { standardiseFlat, toRows, type Scaling } from "./scaling";

/**
 * k-means segmentation of customers on chosen features, as an analyst would
 * run it in scikit-learn: skewed features log-transformed, all standardised,
 * seeded k-means++ starts repeated and the lowest inertia kept.
 * With k = "auto", every k in a range is tried and scored with
 * Calinski-Harabasz, Davies-Bouldin and a silhouette on a seeded sample; the
 * chosen k has the best mean rank over the three. Clusters come back with
 * profiles in original units and a name made from the profile.
 * Same data, options and seed: same result.
 *
 * Up to LARGE customers, ml-kmeans clusters (from greedy k-means++ starts,
 * scikit-learn's); above, Lloyd's iterations run on typed arrays (lloyd.ts).
 * Those iterations and the silhouettes go through the `engine`
 * (engine.ts): on this thread by default, on worker threads when the caller
 * passes lib/compute's. The engine changes how fast, never what.
 *
 * The parts: scaling.ts (log and z-scores), cluster-quality.ts (the scores and
 * the choice of k), profiles.ts (means and names), lloyd.ts (the iterations).
 */
export interface KMeansOptions {
  k: number | "auto";
  /** Range tried when k = "auto" (default 3 to 8: 2 is rarely actionable). */
  kRange?: [number, number];
  seed?: number;
  /** k-means++ starts per k; the lowest inertia wins (default 4; 1 above LARGE customers, as scikit-learn's n_init="auto"). */
  starts?: number;
  maxIterations?: number;
  /** Customers in the silhouette sample (default 5,000). */
  silhouetteSample?: number;
  /** Where the iterations and silhouettes run (default: this thread; the result is the same). */
  engine?: ClusteringEngine;
  /** Per feature: the weight of a category's one-hot column (not scaled), undefined for a number (scaling.ts). */
  dummyWeights?: readonly (number | undefined)[];
}

export interface KMeansSegmentation {
  k: number;
  labels: number[];
  /** Centroids in the standardised space. */
  centroids: number[][];
  quality: ClusterQuality;
  /** Every k tried (one entry when k was given). */
  candidates: ClusterQuality[];
  profiles: ClusterProfile[];
  scaling: Scaling;
}

export class ClusteringInputError extends Error {
  override name = "ClusteringInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Above this many customers, k-means runs on flat typed arrays (lloyd.ts) instead of ml-kmeans' arrays of points. */
export const LARGE = 20_000;

interface Fit {
  labels: ArrayLike<number>;
  /** k × d, flat. */
  centroids: Float64Array;
  inertia: number;
}

/**
 * Seeded greedy k-means++ starts for ml-kmeans, each k in lo … hi, start s:
 * `start(k, s)`. Greedy k-means++ draws 2 + ⌊ln k⌋ candidates per centre and
 * otherwise picks centres one after another, so for the k with the same
 * number of candidates the start for k is the first k centres of the start
 * for the largest: one draw per start and number of candidates.
 */
function greedyStarts(flat: FlatPoints, lo: number, hi: number, seed: number): (k: number, s: number) => number[][] {
  const trials = (k: number) => 2 + Math.floor(Math.log(k));
  const drawn = new Map<string, Float64Array>();
  return (k, s) => {
    let largest = k;
    while (largest < hi && trials(largest + 1) === trials(k)) largest++;
    const key = `${largest}:${s}`;
    let start = drawn.get(key);
    if (!start) drawn.set(key, (start = greedyKmeansPlusPlus(flat, largest, seed + s * 7919, trials(k))));
    return Array.from({ length: k }, (_, c) => Array.from(start.subarray(c * flat.dims, (c + 1) * flat.dims)));
  };
}

/** ml-kmeans from seeded k-means++ starts; the lowest inertia wins. */
function bestOfStartsSmall(data: number[][], k: number, starts: number, start: (k: number, s: number) => number[][], maxIterations: number): Fit {
  let best: Fit | undefined;
  for (let s = 0; s < starts; s++) {
    // scikit-learn's stopping rule, as in the large case: the squared centre shifts add up to at most 1e-4 (ml-kmeans bounds each centre's).
    const result = mlKmeans(data, k, { initialization: start(k, s), maxIterations, tolerance: 1e-4 / k });
    const centroids = Float64Array.from(result.centroids.flat());
    let inertia = 0;
    for (let i = 0; i < data.length; i++) {
      const row = data[i]!;
      const c0 = result.clusters[i]! * row.length;
      let d = 0;
      for (let t = 0; t < row.length; t++) {
        const diff = row[t]! - centroids[c0 + t]!;
        d += diff * diff;
      }
      inertia += d;
    }
    if (!best || inertia < best.inertia) best = { labels: result.clusters, centroids, inertia };
  }
  return best!;
}

/**
 * Lloyd on typed arrays (worker threads) from seeded k-means++ starts; the
 * lowest inertia wins. `starts[s]` holds start s's first `hi` centres: k-means++
 * picks centres one after another, so the start for k is its first k centres.
 */
async function bestOfStartsLarge(flat: FlatPoints, k: number, starts: readonly Float64Array[], maxIterations: number, engine: ClusteringEngine): Promise<Fit> {
  let best: Fit | undefined;
  for (const start of starts) {
    // scikit-learn's stopping rule: centre shift below 1e-4 × the mean feature variance (1 once standardised).
    const result = await engine.lloyd(flat, start.subarray(0, k * flat.dims), { maxIterations, tolerance: 1e-4 });
    if (!best || result.inertia < best.inertia) best = { labels: result.labels, centroids: result.centroids, inertia: result.inertia };
  }
  return best!;
}

/** A Promise: the engine may run the iterations and the silhouettes on other threads. */
export async function kmeansSegmentation(features: string[], rows: readonly number[][], options: KMeansOptions): Promise<KMeansSegmentation> {
  const seed = options.seed ?? 1;
  const starts = options.starts ?? 4;
  const maxIterations = options.maxIterations ?? 100;
  const sampleSize = options.silhouetteSample ?? 5000;
  const [lo, hi] = options.k === "auto" ? (options.kRange ?? [3, 8]) : [options.k, options.k];
  if (features.length === 0) throw new ClusteringInputError("features", "choose at least one feature to cluster on");
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 2 || hi < lo || hi > 20) throw new ClusteringInputError("k", "k must be a whole number from 2 to 20, or auto");
  if (rows.length < hi * 2) throw new ClusteringInputError("k", `${rows.length} customers are too few for ${hi} clusters`);
  if (rows.some((r) => r.length !== features.length || r.some((v) => !Number.isFinite(v)))) {
    throw new ClusteringInputError("features", "every customer needs a finite value for every feature");
  }
  const large = rows.length > LARGE;
  const engine = options.engine ?? onThisThread;
  const { flat, scaling } = standardiseFlat(features, rows, large ? engine.allocate : undefined, options.dummyWeights);
  // Told now, an engine on worker threads boots them while the first k is fitted.
  engine.prepare?.(large ? rows.length : Math.min(rows.length, sampleSize));
  const data = large ? null : toRows(flat);
  const startSmall = large ? null : greedyStarts(flat, lo, hi, seed);
  // Plain k-means++ picks centres one after another: the start for k is the first k centres of the start for hi.
  const startsLarge = large ? Array.from({ length: options.starts ?? 1 }, (_, s) => kmeansPlusPlus(flat, hi, seed + s * 7919)) : [];
  const fits = new Map<number, Fit & { quality: ClusterQuality }>();
  for (let k = lo; k <= hi; k++) {
    const fit = data ? bestOfStartsSmall(data, k, starts, startSmall!, maxIterations) : await bestOfStartsLarge(flat, k, startsLarge, maxIterations, engine);
    fits.set(k, { ...fit, quality: { ...measures(flat, fit.labels, fit.centroids, k), silhouette: Number.NaN } });
  }
  const all = [...fits.values()];
  const scores = await engine.silhouettes(flat, all.map((f) => f.labels), all.map((f) => f.quality.k), sampleSize, seed);
  all.forEach((f, i) => (f.quality.silhouette = scores[i]!));
  const candidates = all.map((f) => f.quality);
  const k = options.k === "auto" ? chooseK(candidates) : options.k;
  const chosen = fits.get(k)!;
  const labels = Array.from(chosen.labels);
  const centroids = Array.from({ length: k }, (_, c) => Array.from(chosen.centroids.subarray(c * flat.dims, (c + 1) * flat.dims)));
  return { k, labels, centroids, quality: chosen.quality, candidates, profiles: profile(features, rows, labels, k, features.map((_, j) => options.dummyWeights?.[j] !== undefined)), scaling };
}

