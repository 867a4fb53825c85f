import { kmeans as mlKmeans } from "ml-kmeans";
import { segmentationKernel, type SilhouetteState } from "./kernel";
import { greedyKmeansPlusPlus, kmeansPlusPlus, lloydParallel, toFlat, type FlatPoints } from "./lloyd";
import { kernelPool, sharedFloat64, sharedInt32, type KernelPool } from "./pool";
import { createRng, sampleIndexes } from "./random";

const kernel = segmentationKernel();

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
 * Up to LARGE customers, ml-kmeans clusters on the calling thread (from greedy
 * k-means++ starts, scikit-learn's); above, Lloyd's iterations run on typed
 * arrays split across worker threads (lloyd.ts, pool.ts). The silhouettes are
 * computed on the worker threads too. Worker threads change how fast, never
 * what: every number is the one the calling thread alone computes
 * (`workers: false`).
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
  /** false: everything on the calling thread, no worker threads (the result is the same). */
  workers?: boolean;
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

function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return m2 === 0 ? 0 : m3 / m2 ** 1.5;
}

/** `standardise` into one flat n × d array (on shared memory when `allocate` gives it). */
export function standardiseFlat(features: string[], rows: readonly number[][], allocate: (length: number) => Float64Array = (length) => new Float64Array(length)): { flat: FlatPoints; scaling: Scaling } {
  const n = rows.length;
  const dims = features.length;
  const data = allocate(n * dims);
  const column = new Float64Array(n);
  const logged: boolean[] = [];
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < dims; j++) {
    let nonNegative = true;
    for (let i = 0; i < n; i++) {
      const v = rows[i]![j]!;
      column[i] = v;
      if (!(v >= 0)) nonNegative = false;
    }
    const log = nonNegative && skewness(column) > 1;
    if (log) for (let i = 0; i < n; i++) column[i] = Math.log1p(column[i]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += column[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const d = column[i]! - mean;
      squares += d * d;
    }
    const sd = Math.sqrt(squares / n);
    for (let i = 0; i < n; i++) data[i * dims + j] = sd > 0 ? (column[i]! - mean) / sd : 0;
    logged.push(log);
    means.push(mean);
    sds.push(sd);
  }
  return { flat: { data, n, dims }, scaling: { features, logged, means, sds } };
}

function toRows({ data, n, dims }: FlatPoints): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let t = 0; t < dims; t++) row.push(data[i * dims + t]!);
    rows.push(row);
  }
  return rows;
}

/** log1p for non-negative features skewed to the right (skewness > 1), then z-scores. */
export function standardise(features: string[], rows: readonly number[][]): { data: number[][]; scaling: Scaling } {
  const { flat, scaling } = standardiseFlat(features, rows);
  return { data: toRows(flat), scaling };
}

/** Inertia, Calinski-Harabasz and Davies-Bouldin of a labeling of flat points, centroids flat (k × d). */
export function measures({ data, n, dims }: FlatPoints, labels: ArrayLike<number>, centroids: ArrayLike<number>, k: number): Omit<ClusterQuality, "silhouette"> {
  const sizes = new Float64Array(k);
  const overall = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    sizes[labels[i]!]!++;
    for (let t = 0; t < dims; t++) overall[t]! += data[i * dims + t]!;
  }
  for (let t = 0; t < dims; t++) overall[t]! /= n;
  const scatter = new Float64Array(k);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let d = 0;
    for (let t = 0; t < dims; t++) {
      const diff = data[i * dims + t]! - centroids[c * dims + t]!;
      d += diff * diff;
    }
    inertia += d;
    scatter[c]! += Math.sqrt(d);
  }
  const gap = (a: number, b: ArrayLike<number>, b0: number) => {
    let d = 0;
    for (let t = 0; t < dims; t++) {
      const diff = centroids[a * dims + t]! - b[b0 + t]!;
      d += diff * diff;
    }
    return d;
  };
  let between = 0;
  for (let c = 0; c < k; c++) between += sizes[c]! * gap(c, overall, 0);
  const calinskiHarabasz = k > 1 && inertia > 0 ? (between / (k - 1)) / (inertia / (n - k)) : 0;
  for (let c = 0; c < k; c++) scatter[c] = sizes[c] ? scatter[c]! / sizes[c]! : 0;
  let db = 0;
  for (let i = 0; i < k; i++) {
    let worst = 0;
    for (let j = 0; j < k; j++) if (i !== j) worst = Math.max(worst, (scatter[i]! + scatter[j]!) / Math.sqrt(gap(i, centroids, j * dims)));
    db += worst;
  }
  return { k, inertia, calinskiHarabasz, daviesBouldin: db / k };
}

/** Calinski-Harabasz, Davies-Bouldin and the mean silhouette (on a seeded sample) of a clustering. */
export function clusterQuality(data: readonly number[][], labels: ArrayLike<number>, centroids: readonly number[][], sampleSize: number, seed: number, withSilhouette = true): ClusterQuality {
  const flat = toFlat(data);
  const quality = measures(flat, labels, centroids.flat(), centroids.length);
  const silhouette = withSilhouette ? silhouettesOf(flat, [labels], [centroids.length], sampleSize, seed)[0]! : Number.NaN;
  return { ...quality, silhouette };
}

/**
 * Mean silhouette of several labelings of the same points, on one seeded
 * sample. The sample is split into atoms, the points that share their cluster
 * in every labeling (auto-k's six labelings of a few thousand customers make a
 * few hundred atoms): each point's distances are summed once per atom, and the
 * atom sums added up per cluster of each labeling.
 */
export function silhouettes(data: readonly number[][], labelings: readonly ArrayLike<number>[], ks: readonly number[], sampleSize: number, seed: number): number[] {
  return silhouettesOf(toFlat(data), labelings, ks, sampleSize, seed);
}

function silhouettesOf(points: FlatPoints, labelings: readonly ArrayLike<number>[], ks: readonly number[], sampleSize: number, seed: number): number[] {
  const state = silhouetteState(points, labelings, ks, sampleSize, seed, (length) => new Float64Array(length), (length) => new Int32Array(length));
  kernel.silhouetteRows(state, 0, state.m);
  return meanSilhouettes(state);
}

/** Samples below this size are scored on the calling thread. */
const PARALLEL_MIN_SAMPLE = 1000;

/** `silhouettes` computed by the worker threads of pool.ts: the same numbers to the last bit. */
export async function silhouettesParallel(
  data: readonly number[][] | FlatPoints,
  labelings: readonly ArrayLike<number>[],
  ks: readonly number[],
  sampleSize: number,
  seed: number,
  options: { workers?: boolean; pool?: KernelPool } = {},
): Promise<number[]> {
  const points = Array.isArray(data) ? toFlat(data) : (data as FlatPoints);
  const pool = options.workers === false || Math.min(points.n, sampleSize) < PARALLEL_MIN_SAMPLE ? null : (options.pool ?? kernelPool());
  if (!pool || !pool.usable) return silhouettesOf(points, labelings, ks, sampleSize, seed);
  const state = silhouetteState(points, labelings, ks, sampleSize, seed, sharedFloat64, sharedInt32);
  try {
    await pool.run("silhouette", state);
  } catch {
    // A worker failed: the same computation here.
    kernel.silhouetteRows(state, 0, state.m);
  }
  return meanSilhouettes(state);
}

function silhouetteState(
  { data, n, dims }: FlatPoints,
  labelings: readonly ArrayLike<number>[],
  ks: readonly number[],
  sampleSize: number,
  seed: number,
  allocate: (length: number) => Float64Array,
  allocateInt: (length: number) => Int32Array,
): SilhouetteState {
  const sample = sampleIndexes(n, sampleSize, createRng(seed));
  const m = sample.length;
  const count = labelings.length;
  // Atoms, numbered in order of first appearance in the sample: refine by one labeling after another.
  const atomOf = new Int32Array(m);
  let atoms = 1;
  labelings.forEach((labeling, l) => {
    const renumber = new Map<number, number>();
    for (let i = 0; i < m; i++) {
      const key = atomOf[i]! * ks[l]! + labeling[sample[i]!]!;
      let atom = renumber.get(key);
      if (atom === undefined) renumber.set(key, (atom = renumber.size));
      atomOf[i] = atom;
    }
    atoms = renumber.size;
  });
  if (count === 0) atoms = m > 0 ? 1 : 0;
  // Points atom after atom (in sample order within an atom).
  const atomStart = allocateInt(atoms + 1);
  for (let i = 0; i < m; i++) atomStart[atomOf[i]! + 1]!++;
  for (let a = 0; a < atoms; a++) atomStart[a + 1]! += atomStart[a]!;
  const next = atomStart.slice(0, atoms);
  const points = allocate(m * dims);
  const atomCluster = allocateInt(count * atoms);
  const clusterBase = allocateInt(count + 1);
  ks.forEach((k, l) => (clusterBase[l + 1] = clusterBase[l]! + k));
  const clusterSize = allocateInt(clusterBase[count]!);
  for (let i = 0; i < m; i++) {
    const row = sample[i]!;
    const atom = atomOf[i]!;
    points.set(data.subarray(row * dims, row * dims + dims), next[atom]!++ * dims);
    labelings.forEach((labeling, l) => {
      const c = labeling[row]!;
      atomCluster[l * atoms + atom] = c;
      clusterSize[clusterBase[l]! + c]!++;
    });
  }
  return { points, m, dims, labelings: count, atoms, atomStart, atomCluster, clusterBase, clusterSize, out: allocate(m * count) };
}

function meanSilhouettes(state: SilhouetteState): number[] {
  const totals = new Array<number>(state.labelings).fill(0);
  for (let i = 0; i < state.m; i++) for (let s = 0; s < state.labelings; s++) totals[s]! += state.out[i * state.labelings + s]!;
  return totals.map((t) => t / state.m);
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
async function bestOfStartsLarge(flat: FlatPoints, k: number, starts: readonly Float64Array[], maxIterations: number, workers: boolean): Promise<Fit> {
  let best: Fit | undefined;
  for (const start of starts) {
    // scikit-learn's stopping rule: centre shift below 1e-4 × the mean feature variance (1 once standardised).
    const result = await lloydParallel(flat, start.subarray(0, k * flat.dims), { maxIterations, tolerance: 1e-4, workers });
    if (!best || result.inertia < best.inertia) best = { labels: result.labels, centroids: result.centroids, inertia: result.inertia };
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

/**
 * Above LARGE customers the k-means iterations and the silhouettes run on the
 * worker threads of pool.ts (same results as on one thread); hence a Promise.
 */
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
  const { flat, scaling } = standardiseFlat(features, rows, large ? sharedFloat64 : undefined);
  const workers = options.workers ?? true;
  // Started now, the worker threads boot while the first k is fitted.
  if (workers && (large || Math.min(rows.length, sampleSize) >= PARALLEL_MIN_SAMPLE)) kernelPool();
  const data = large ? null : toRows(flat);
  const startSmall = large ? null : greedyStarts(flat, lo, hi, seed);
  // Plain k-means++ picks centres one after another: the start for k is the first k centres of the start for hi.
  const startsLarge = large ? Array.from({ length: options.starts ?? 1 }, (_, s) => kmeansPlusPlus(flat, hi, seed + s * 7919)) : [];
  const fits = new Map<number, Fit & { quality: ClusterQuality }>();
  for (let k = lo; k <= hi; k++) {
    const fit = data ? bestOfStartsSmall(data, k, starts, startSmall!, maxIterations) : await bestOfStartsLarge(flat, k, startsLarge, maxIterations, workers);
    fits.set(k, { ...fit, quality: { ...measures(flat, fit.labels, fit.centroids, k), silhouette: Number.NaN } });
  }
  const all = [...fits.values()];
  const scores = await silhouettesParallel(flat, all.map((f) => f.labels), all.map((f) => f.quality.k), sampleSize, seed, { workers });
  all.forEach((f, i) => (f.quality.silhouette = scores[i]!));
  const candidates = all.map((f) => f.quality);
  const k = options.k === "auto" ? chooseK(candidates) : options.k;
  const chosen = fits.get(k)!;
  const labels = Array.from(chosen.labels);
  const centroids = Array.from({ length: k }, (_, c) => Array.from(chosen.centroids.subarray(c * flat.dims, (c + 1) * flat.dims)));
  return { k, labels, centroids, quality: chosen.quality, candidates, profiles: profile(features, rows, labels, k), scaling };
}

/** The k-th smallest value (from 0), by quickselect: reorders `values` so that values[k] is it, none larger before, none smaller after. */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    // Median of three as the pivot, then Hoare's partition.
    const mid = (lo + hi) >> 1;
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

function median(values: Float64Array): number {
  const mid = values.length >> 1;
  const upper = select(values, mid);
  if (values.length % 2) return upper;
  // The largest of the values before the middle one.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * Means per cluster in original units, and a name from how each cluster
 * differs from the typical customer (the median: means are pulled by the few
 * biggest spenders).
 */
export function profile(features: string[], rows: readonly number[][], labels: ArrayLike<number>, k: number): ClusterProfile[] {
  const n = rows.length;
  const dims = features.length;
  const column = new Float64Array(n);
  const overall = features.map((_, j) => {
    for (let i = 0; i < n; i++) column[i] = rows[i]![j]!;
    return median(column);
  });
  // Sums per cluster in customer order.
  const sizes = new Array<number>(k).fill(0);
  const sums = Array.from({ length: k }, () => new Array<number>(dims).fill(0));
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!(c >= 0 && c < k)) continue;
    sizes[c]!++;
    const row = rows[i]!;
    const sum = sums[c]!;
    for (let j = 0; j < dims; j++) sum[j]! += row[j]!;
  }
  const profiles = Array.from({ length: k }, (_, cluster) => {
    const size = sizes[cluster]!;
    const means = Object.fromEntries(features.map((f, j) => [f, size ? sums[cluster]![j]! / size : 0]));
    return { cluster, name: "", size, share: size / n, means };
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
