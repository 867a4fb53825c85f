import { segmentationKernel, type SilhouetteState } from "./kernel";
import { toFlat, type FlatPoints } from "./lloyd";
import { createRng, sampleIndexes } from "./random";

const kernel = segmentationKernel();

/**
 * How good a clustering is: inertia, Calinski-Harabasz, Davies-Bouldin and the
 * mean silhouette on a seeded sample (scikit-learn's definitions), and the k
 * they choose together.
 */
export interface ClusterQuality {
  k: number;
  inertia: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
  silhouette: number;
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

export function silhouettesOf(points: FlatPoints, labelings: readonly ArrayLike<number>[], ks: readonly number[], sampleSize: number, seed: number): number[] {
  const state = silhouetteState(points, labelings, ks, sampleSize, seed, (length) => new Float64Array(length), (length) => new Int32Array(length));
  kernel.silhouetteRows(state, 0, state.m);
  return meanSilhouettes(state);
}

export function silhouetteState(
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

export function meanSilhouettes(state: SilhouetteState): number[] {
  const totals = new Array<number>(state.labelings).fill(0);
  for (let i = 0; i < state.m; i++) for (let s = 0; s < state.labelings; s++) totals[s]! += state.out[i * state.labelings + s]!;
  return totals.map((t) => t / state.m);
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

