import { kmeans as mlKmeans } from "ml-kmeans";
import { kmeansPlusPlus, lloyd, toFlat, type FlatPoints } from "./lloyd";
import { createRng, sampleIndexes } from "./random";

/**
 * k-means segmentation of customers on chosen features, as an analyst would
 * run it in scikit-learn: skewed features log-transformed, all standardised,
 * k-means++ starts (ml-kmeans) repeated with seeds and the lowest inertia kept.
 * With k = "auto", every k in a range is tried and scored with
 * Calinski-Harabasz, Davies-Bouldin and a silhouette on a seeded sample; the
 * chosen k has the best mean rank over the three. Clusters come back with
 * profiles in original units and a name made from the profile.
 * Same data, options and seed: same result.
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
}

export interface ClusterQuality {
  k: number;
  inertia: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
  silhouette: number;
}

export interface ClusterProfile {
  cluster: number;
  name: string;
  size: number;
  share: number;
  /** Mean of each feature, in original units. */
  means: Record<string, number>;
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

export interface Scaling {
  features: string[];
  logged: boolean[];
  means: number[];
  sds: number[];
}

function skewness(values: readonly number[]): number {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** log1p for non-negative features skewed to the right (skewness > 1), then z-scores. */
export function standardise(features: string[], rows: readonly number[][]): { data: number[][]; scaling: Scaling } {
  const columns = features.map((_, j) => rows.map((r) => r[j]!));
  const logged = columns.map((col) => col.every((v) => v >= 0) && skewness(col) > 1);
  const transformed = columns.map((col, j) => (logged[j] ? col.map(Math.log1p) : col));
  const means = transformed.map((col) => col.reduce((s, v) => s + v, 0) / col.length);
  const sds = transformed.map((col, j) => Math.sqrt(col.reduce((s, v) => s + (v - means[j]!) ** 2, 0) / col.length));
  const data = rows.map((_, i) => transformed.map((col, j) => (sds[j]! > 0 ? (col[i]! - means[j]!) / sds[j]! : 0)));
  return { data, scaling: { features, logged, means, sds } };
}

const sq = (a: readonly number[], b: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
};

function inertiaOf(data: readonly number[][], labels: readonly number[], centroids: readonly number[][]): number {
  let total = 0;
  for (let i = 0; i < data.length; i++) total += sq(data[i]!, centroids[labels[i]!]!);
  return total;
}

/** Calinski-Harabasz, Davies-Bouldin and the mean silhouette (on a seeded sample) of a clustering. */
export function clusterQuality(data: readonly number[][], labels: readonly number[], centroids: readonly number[][], sampleSize: number, seed: number, withSilhouette = true): ClusterQuality {
  const n = data.length;
  const k = centroids.length;
  const dims = data[0]!.length;
  const sizes = new Array<number>(k).fill(0);
  for (const l of labels) sizes[l]!++;
  const overall = Array.from({ length: dims }, (_, j) => data.reduce((s, r) => s + r[j]!, 0) / n);
  const inertia = inertiaOf(data, labels, centroids);
  const between = centroids.reduce((s, c, j) => s + sizes[j]! * sq(c, overall), 0);
  const calinskiHarabasz = k > 1 && inertia > 0 ? (between / (k - 1)) / (inertia / (n - k)) : 0;

  const scatter = new Array<number>(k).fill(0);
  data.forEach((row, i) => (scatter[labels[i]!]! += Math.sqrt(sq(row, centroids[labels[i]!]!))));
  for (let j = 0; j < k; j++) scatter[j] = sizes[j] ? scatter[j]! / sizes[j]! : 0;
  let db = 0;
  for (let i = 0; i < k; i++) {
    let worst = 0;
    for (let j = 0; j < k; j++) if (i !== j) worst = Math.max(worst, (scatter[i]! + scatter[j]!) / Math.sqrt(sq(centroids[i]!, centroids[j]!)));
    db += worst;
  }
  const daviesBouldin = db / k;

  const silhouette = withSilhouette ? silhouettes(data, [labels], [k], sampleSize, seed)[0]! : Number.NaN;
  return { k, inertia, calinskiHarabasz, daviesBouldin, silhouette };
}

/**
 * Mean silhouette of several labelings of the same points, on one seeded
 * sample: each pair's distance is computed once and added to the per-cluster
 * sums of every labeling (auto-k scores six of them).
 */
export function silhouettes(data: readonly number[][], labelings: readonly (readonly number[])[], ks: readonly number[], sampleSize: number, seed: number): number[] {
  const sample = sampleIndexes(data.length, sampleSize, createRng(seed));
  const m = sample.length;
  const dims = data[0]!.length;
  const flat = new Float64Array(m * dims);
  sample.forEach((row, i) => flat.set(data[row]!, i * dims));
  // Every labeling's clusters get a slot in one row of width Σk; slot = offset of the labeling + cluster.
  const offsets = ks.reduce<number[]>((acc, k, i) => [...acc, (acc[i] ?? 0) + k], [0]);
  const width = offsets[ks.length]!;
  const slots = labelings.map((l, s) => Int32Array.from(sample, (row) => offsets[s]! + l[row]!));
  const sizes = new Float64Array(width);
  for (const slot of slots) for (const c of slot) sizes[c]!++;
  // sums[i * width + slot]: distance from sample point i to the members of that cluster.
  const sums = new Float64Array(m * width);
  for (let i = 0; i < m; i++) {
    const rowI = i * width;
    for (let j = i + 1; j < m; j++) {
      let d = 0;
      for (let t = 0; t < dims; t++) {
        const diff = flat[i * dims + t]! - flat[j * dims + t]!;
        d += diff * diff;
      }
      d = Math.sqrt(d);
      const rowJ = j * width;
      for (let s = 0; s < slots.length; s++) {
        const slot = slots[s]!;
        sums[rowI + slot[j]!]! += d;
        sums[rowJ + slot[i]!]! += d;
      }
    }
  }
  const totals = new Float64Array(ks.length);
  for (let i = 0; i < m; i++) {
    for (let s = 0; s < slots.length; s++) {
      const own = slots[s]![i]!;
      const ownCount = sizes[own]! - 1;
      if (ownCount === 0) continue; // a singleton's silhouette is 0
      const a = sums[i * width + own]! / ownCount;
      let b = Number.POSITIVE_INFINITY;
      for (let c = offsets[s]!; c < offsets[s + 1]!; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[i * width + c]! / sizes[c]!);
      totals[s]! += Number.isFinite(b) ? (b - a) / Math.max(a, b) : 0;
    }
  }
  return Array.from(totals, (t) => t / m);
}

/** Above this many customers, k-means runs on flat typed arrays (lloyd.ts) instead of ml-kmeans' arrays of points. */
export const LARGE = 20_000;

function bestOfStarts(data: number[][], flat: FlatPoints | null, k: number, seed: number, starts: number, maxIterations: number): { labels: number[]; centroids: number[][]; inertia: number } {
  let best: { labels: number[]; centroids: number[][]; inertia: number } | undefined;
  for (let s = 0; s < starts; s++) {
    const startSeed = seed + s * 7919;
    let fit: { labels: number[]; centroids: number[][]; inertia: number };
    if (flat) {
      // scikit-learn's stopping rule: centre shift below 1e-4 × the mean feature variance (1 once standardised).
      const result = lloyd(flat, kmeansPlusPlus(flat, k, startSeed), { maxIterations, tolerance: 1e-4 });
      const dims = flat.dims;
      fit = { labels: Array.from(result.labels), centroids: Array.from({ length: k }, (_, c) => Array.from(result.centroids.subarray(c * dims, c * dims + dims))), inertia: result.inertia };
    } else {
      const result = mlKmeans(data, k, { initialization: "kmeans++", seed: startSeed, maxIterations });
      fit = { labels: result.clusters, centroids: result.centroids, inertia: inertiaOf(data, result.clusters, result.centroids) };
    }
    if (!best || fit.inertia < best.inertia) best = fit;
  }
  return best!;
}

/** Picks the k with the best mean rank over Calinski-Harabasz (high), Davies-Bouldin (low) and silhouette (high). */
export function chooseK(candidates: readonly ClusterQuality[]): number {
  const rank = (key: keyof ClusterQuality, higherIsBetter: boolean) => {
    const order = [...candidates].sort((a, b) => (higherIsBetter ? b[key] - a[key] : a[key] - b[key]));
    return new Map(order.map((c, i) => [c.k, i]));
  };
  const ranks = [rank("calinskiHarabasz", true), rank("daviesBouldin", false), rank("silhouette", true)];
  return [...candidates]
    .map((c) => ({ c, score: ranks.reduce((s, r) => s + r.get(c.k)!, 0) }))
    .sort((a, b) => a.score - b.score || b.c.silhouette - a.c.silhouette)[0]!.c.k;
}

export function kmeansSegmentation(features: string[], rows: readonly number[][], options: KMeansOptions): KMeansSegmentation {
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
  const { data, scaling } = standardise(features, rows);
  const flat = data.length > LARGE ? toFlat(data) : null;
  const fits = new Map<number, { labels: number[]; centroids: number[][]; quality: ClusterQuality }>();
  for (let k = lo; k <= hi; k++) {
    const fit = bestOfStarts(data, flat, k, seed, flat ? (options.starts ?? 1) : starts, maxIterations);
    fits.set(k, { ...fit, quality: clusterQuality(data, fit.labels, fit.centroids, sampleSize, seed, false) });
  }
  const all = [...fits.values()];
  const scores = silhouettes(data, all.map((f) => f.labels), all.map((f) => f.quality.k), sampleSize, seed);
  all.forEach((f, i) => (f.quality.silhouette = scores[i]!));
  const candidates = all.map((f) => f.quality);
  const k = options.k === "auto" ? chooseK(candidates) : options.k;
  const chosen = fits.get(k)!;
  return { k, labels: chosen.labels, centroids: chosen.centroids, quality: chosen.quality, candidates, profiles: profile(features, rows, chosen.labels, k), scaling };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Means per cluster in original units, and a name from how each cluster
 * differs from the typical customer (the median: means are pulled by the few
 * biggest spenders).
 */
export function profile(features: string[], rows: readonly number[][], labels: readonly number[], k: number): ClusterProfile[] {
  const n = rows.length;
  const overall = features.map((_, j) => median(rows.map((r) => r[j]!)));
  const profiles = Array.from({ length: k }, (_, cluster) => {
    const members = rows.filter((_, i) => labels[i] === cluster);
    const means = Object.fromEntries(features.map((f, j) => [f, members.length ? members.reduce((s, r) => s + r[j]!, 0) / members.length : 0]));
    return { cluster, name: "", size: members.length, share: members.length / n, means };
  });
  const overallOf = Object.fromEntries(features.map((f, j) => [f, overall[j]!]));
  const taken = new Map<string, number>();
  for (const p of profiles) {
    const base = clusterName(p.means, overallOf);
    const seen = taken.get(base) ?? 0;
    taken.set(base, seen + 1);
    p.name = seen ? `${base} (${seen + 1})` : base;
  }
  return profiles;
}

/** "Recent high spenders", "Lapsed one-timers", …: recency first, then what they buy, against a typical customer. */
export function clusterName(means: Record<string, number>, typical: Record<string, number>): string {
  const ratio = (f: string) => (f in means && typical[f] ? means[f]! / typical[f]! : 1);
  const parts: string[] = [];
  if ("recencyDays" in means) {
    const r = ratio("recencyDays");
    parts.push(r < 0.6 ? "Recent" : r > 1.5 ? "Lapsed" : "Steady");
  }
  const frequency = "frequency" in means ? means.frequency! : null;
  const m = ratio("monetary");
  const f = ratio("frequency");
  let noun: string;
  if (frequency !== null && frequency < 1.5) noun = m > 1.5 ? "one-time big spenders" : "one-timers";
  else if (m > 1.5 && f > 1.5) noun = "loyal high spenders";
  else if (m > 1.5) noun = "high spenders";
  else if (f > 1.5) noun = "frequent buyers";
  else if (m < 0.6) noun = "low spenders";
  else noun = "regular buyers";
  if (parts.length === 0) return noun.charAt(0).toUpperCase() + noun.slice(1);
  return `${parts[0]} ${noun}`;
}
