import { createRng } from "./random";

/**
 * k-means for many customers: Lloyd's algorithm over one flat Float64Array
 * (n × d, row-major) with a seeded k-means++ start. It is the same algorithm
 * ml-kmeans runs (given the same start it ends with the same clusters, which a
 * test checks), without an array per point, so a million customers fit in
 * 24 MB and an iteration costs n·k·d multiply-adds.
 */
export interface FlatPoints {
  data: Float64Array;
  n: number;
  dims: number;
}

export interface LloydResult {
  labels: Int32Array;
  centroids: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

export function toFlat(rows: readonly number[][]): FlatPoints {
  const n = rows.length;
  const dims = rows[0]?.length ?? 0;
  const data = new Float64Array(n * dims);
  rows.forEach((row, i) => data.set(row, i * dims));
  return { data, n, dims };
}

/** k-means++ (Arthur and Vassilvitskii, 2007): each next centre drawn with probability ∝ squared distance to the nearest chosen one. */
export function kmeansPlusPlus({ data, n, dims }: FlatPoints, k: number, seed: number): Float64Array {
  const random = createRng(seed);
  const centroids = new Float64Array(k * dims);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(data.subarray(pick * dims, pick * dims + dims), c * dims);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let t = 0; t < dims; t++) {
        const diff = data[i * dims + t]! - centroids[c * dims + t]!;
        d += diff * diff;
      }
      if (d < nearest[i]!) nearest[i] = d;
      total += nearest[i]!;
    }
    if (c === k - 1) break;
    let target = random() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  return centroids;
}

export function lloyd(points: FlatPoints, start: Float64Array, options: { maxIterations?: number; tolerance?: number } = {}): LloydResult {
  const { data, n, dims } = points;
  const k = start.length / dims;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const centroids = Float64Array.from(start);
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    sums.fill(0);
    counts.fill(0);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const row = i * dims;
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let d = 0;
        for (let t = 0; t < dims; t++) {
          const diff = data[row + t]! - centroids[c * dims + t]!;
          d += diff * diff;
        }
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
      counts[best]!++;
      for (let t = 0; t < dims; t++) sums[best * dims + t]! += data[row + t]!;
    }
    // New centres; a centre that lost all its points stays where it was.
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let t = 0; t < dims; t++) {
        const value = sums[c * dims + t]! / counts[c]!;
        shift += (value - centroids[c * dims + t]!) ** 2;
        centroids[c * dims + t] = value;
      }
    }
    if (changed === 0 || shift <= tolerance) {
      converged = true;
      break;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let t = 0; t < dims; t++) inertia += (data[i * dims + t]! - centroids[c * dims + t]!) ** 2;
  }
  return { labels, centroids, inertia, iterations, converged };
}
