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

/**
 * Lloyd's iterations with Hamerly's bounds (Hamerly, 2010): each point keeps an
 * upper bound on the distance to its centre and a lower bound on the distance
 * to the second nearest; when the bounds already decide, no distance is
 * computed. The assignments, and so the result, are exactly Lloyd's.
 */
export function lloyd(points: FlatPoints, start: Float64Array, options: { maxIterations?: number; tolerance?: number } = {}): LloydResult {
  const { data, n, dims } = points;
  const k = start.length / dims;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  const centroids = Float64Array.from(start);
  const previous = new Float64Array(centroids.length);
  const labels = new Int32Array(n).fill(-1);
  const upper = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  const halfGap = new Float64Array(k);
  const moved = new Float64Array(k);
  const distance = (i: number, c: number) => {
    let d = 0;
    for (let t = 0; t < dims; t++) {
      const diff = data[i * dims + t]! - centroids[c * dims + t]!;
      d += diff * diff;
    }
    return Math.sqrt(d);
  };
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    // Half the distance from each centre to its nearest other centre.
    for (let c = 0; c < k; c++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let o = 0; o < k; o++) {
        if (o === c) continue;
        let d = 0;
        for (let t = 0; t < dims; t++) d += (centroids[c * dims + t]! - centroids[o * dims + t]!) ** 2;
        if (d < nearest) nearest = d;
      }
      halfGap[c] = Math.sqrt(nearest) / 2;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const own = labels[i]!;
      if (own >= 0) {
        const bound = Math.max(halfGap[own]!, lower[i]!);
        if (upper[i]! <= bound) continue;
        upper[i] = distance(i, own);
        if (upper[i]! <= bound) continue;
      }
      // The bounds do not decide: find the nearest and second nearest centres.
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      let secondD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const d = distance(i, c);
        if (d < bestD) {
          secondD = bestD;
          bestD = d;
          best = c;
        } else if (d < secondD) secondD = d;
      }
      if (best !== own) {
        labels[i] = best;
        changed++;
      }
      upper[i] = bestD;
      lower[i] = secondD;
    }
    // New centres from the assignments; a centre that lost all its points stays.
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let t = 0; t < dims; t++) sums[c * dims + t]! += data[i * dims + t]!;
    }
    previous.set(centroids);
    let shift = 0;
    let maxMove = 0;
    for (let c = 0; c < k; c++) {
      let m = 0;
      if (counts[c]! > 0) {
        for (let t = 0; t < dims; t++) {
          const value = sums[c * dims + t]! / counts[c]!;
          m += (value - previous[c * dims + t]!) ** 2;
          centroids[c * dims + t] = value;
        }
      }
      shift += m;
      moved[c] = Math.sqrt(m);
      if (moved[c]! > maxMove) maxMove = moved[c]!;
    }
    if (changed === 0 || shift <= tolerance) {
      converged = true;
      break;
    }
    // Keep the bounds valid after the centres moved.
    for (let i = 0; i < n; i++) {
      upper[i]! += moved[labels[i]!]!;
      lower[i]! -= maxMove;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    for (let t = 0; t < dims; t++) inertia += (data[i * dims + t]! - centroids[c * dims + t]!) ** 2;
  }
  return { labels, centroids, inertia, iterations, converged };
}
