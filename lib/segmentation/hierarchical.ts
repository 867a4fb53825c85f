import { kmeans as mlKmeans } from "ml-kmeans";
import { clusterQuality, profile, standardise, ClusteringInputError, type ClusterProfile, type ClusterQuality, type Scaling } from "./kmeans";

/**
 * Hierarchical segmentation: Ward linkage (minimum increase of within-cluster
 * variance; R's ward.D2, scikit-learn's "ward"), cut at k. Ward is quadratic in
 * memory and cubic in time, so above a few hundred customers it runs on k-means
 * micro-clusters weighted by their size, which keeps it fast at a million
 * customers; the dendrogram (the merges) is kept with the run.
 */
export interface Merge {
  /** Node ids: 0..m-1 are the leaves (micro-clusters), m + i is the i-th merge. */
  left: number;
  right: number;
  /** Ward distance: sqrt of twice the increase in within-cluster sum of squares. */
  height: number;
  /** Customers under the merge. */
  size: number;
}

/**
 * Ward linkage of weighted points, by the Lance-Williams update on squared
 * Euclidean distances. With unit weights it is plain Ward on the points.
 */
export function wardLinkage(points: readonly number[][], weights: readonly number[]): Merge[] {
  const m = points.length;
  const sq = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
  // d[i][j]: Ward dissimilarity (2 · ΔSSE) between clusters i and j.
  const d = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 0 : ((2 * weights[i]! * weights[j]!) / (weights[i]! + weights[j]!)) * sq(points[i]!, points[j]!))));
  const size = [...weights];
  const node = Array.from({ length: m }, (_, i) => i);
  const alive = new Set(node);
  const merges: Merge[] = [];
  while (alive.size > 1) {
    let best = Number.POSITIVE_INFINITY;
    let bi = -1;
    let bj = -1;
    for (const i of alive) for (const j of alive) if (i < j && d[i]![j]! < best) [best, bi, bj] = [d[i]![j]!, i, j];
    const [ni, nj] = [size[bi]!, size[bj]!];
    for (const k of alive) {
      if (k === bi || k === bj) continue;
      const nk = size[k]!;
      const value = ((ni + nk) * d[bi]![k]! + (nj + nk) * d[bj]![k]! - nk * best) / (ni + nj + nk);
      d[bi]![k] = value;
      d[k]![bi] = value;
    }
    merges.push({ left: node[bi]!, right: node[bj]!, height: Math.sqrt(Math.max(best, 0)), size: ni + nj });
    size[bi] = ni + nj;
    node[bi] = m + merges.length - 1;
    alive.delete(bj);
  }
  return merges;
}

/** Leaf groups after undoing the last k − 1 merges; returns each leaf's group 0..k-1. */
export function cutTree(merges: readonly Merge[], leaves: number, k: number): number[] {
  const parent = new Map<number, number>();
  merges.slice(0, merges.length - (k - 1)).forEach((merge, i) => {
    parent.set(merge.left, leaves + i);
    parent.set(merge.right, leaves + i);
  });
  const root = (n: number): number => (parent.has(n) ? root(parent.get(n)!) : n);
  const ids = new Map<number, number>();
  return Array.from({ length: leaves }, (_, leaf) => {
    const r = root(leaf);
    if (!ids.has(r)) ids.set(r, ids.size);
    return ids.get(r)!;
  });
}

export interface HierarchicalSegmentation {
  k: number;
  labels: number[];
  quality: ClusterQuality;
  profiles: ClusterProfile[];
  dendrogram: { leaves: number; leafSizes: number[]; merges: Merge[] };
  scaling: Scaling;
}

export function hierarchicalSegmentation(
  features: string[],
  rows: readonly number[][],
  options: { k: number; seed?: number; microClusters?: number; silhouetteSample?: number },
): HierarchicalSegmentation {
  const { k } = options;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(k) || k < 2 || k > 20) throw new ClusteringInputError("k", "k must be a whole number from 2 to 20");
  if (rows.length < k * 2) throw new ClusteringInputError("k", `${rows.length} customers are too few for ${k} clusters`);
  const { data, scaling } = standardise(features, rows);
  const target = Math.min(options.microClusters ?? 300, data.length);
  // Micro-clusters: every customer is a leaf when there are few; else k-means groups them.
  let leafOf: number[];
  let points: number[][];
  if (target === data.length) {
    leafOf = data.map((_, i) => i);
    points = data;
  } else {
    const micro = mlKmeans(data, target, { initialization: "kmeans++", seed, maxIterations: 50 });
    leafOf = micro.clusters;
    points = micro.centroids;
  }
  const weights = new Array<number>(points.length).fill(0);
  for (const leaf of leafOf) weights[leaf]!++;
  // Empty micro-clusters (rare) are dropped before linking.
  const used = weights.map((w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0);
  const renumber = new Map(used.map((old, i) => [old, i]));
  const merges = wardLinkage(used.map((i) => points[i]!), used.map((i) => weights[i]!));
  const groupOfLeaf = cutTree(merges, used.length, k);
  const labels = leafOf.map((leaf) => groupOfLeaf[renumber.get(leaf)!]!);
  const centroids = Array.from({ length: k }, (_, c) => {
    const members = data.filter((_, i) => labels[i] === c);
    return data[0]!.map((_, j) => members.reduce((s, r) => s + r[j]!, 0) / members.length);
  });
  return {
    k,
    labels,
    quality: clusterQuality(data, labels, centroids, options.silhouetteSample ?? 5000, seed),
    profiles: profile(features, rows, labels, k),
    dendrogram: { leaves: used.length, leafSizes: used.map((i) => weights[i]!), merges },
    scaling,
  };
}
