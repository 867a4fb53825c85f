import { segmentationKernel, type LloydState } from "./kernel";
import { createRng } from "./random";

/**
 * k-means for many customers: Lloyd's algorithm over one flat Float64Array
 * (n × d, row-major) with a seeded k-means++ start. It is the same algorithm
 * ml-kmeans runs (given the same start it ends with the same clusters, which a
 * test checks), without an array per point, so a million customers fit in
 * 24 MB and an iteration costs at most n·k·d multiply-adds. The iterations
 * themselves are kernel.ts' `lloydRun`: here on the calling thread (`lloyd`),
 * or split across worker threads by lib/compute, with the same result.
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
 * Greedy k-means++, the variant scikit-learn and ml-kmeans run: for each next
 * centre, `trials` (2 + ⌊ln k⌋) candidates are drawn with probability ∝
 * squared distance to the nearest chosen centre, and the one that lowers the
 * total squared distance most is kept. Seeded: same seed, same start.
 */
export function greedyKmeansPlusPlus(points: FlatPoints, k: number, seed: number, trials = 2 + Math.floor(Math.log(k))): Float64Array {
  const { data, n, dims } = points;
  const random = createRng(seed);
  const centroids = new Float64Array(k * dims);
  let nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let candidate = new Float64Array(n);
  let best = new Float64Array(n);
  const first = Math.floor(random() * n);
  centroids.set(data.subarray(first * dims, first * dims + dims), 0);
  let potential = closerTo(points, first, nearest, nearest);
  for (let c = 1; c < k; c++) {
    let bestPick = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let trial = 0; trial < trials; trial++) {
      let target = random() * potential;
      let pick = n - 1;
      for (let i = 0; i < n; i++) {
        target -= nearest[i]!;
        if (target <= 0) {
          pick = i;
          break;
        }
      }
      const total = closerTo(points, pick, nearest, candidate);
      if (total < bestPotential) {
        bestPotential = total;
        bestPick = pick;
        [best, candidate] = [candidate, best];
      }
    }
    centroids.set(data.subarray(bestPick * dims, bestPick * dims + dims), c * dims);
    [nearest, best] = [best, nearest];
    potential = bestPotential;
  }
  return centroids;
}

/** out[i] = min(nearest[i], squared distance from point i to point `pick`); returns the sum of out. */
function closerTo({ data, n, dims }: FlatPoints, pick: number, nearest: Float64Array, out: Float64Array): number {
  let total = 0;
  if (dims === 3) {
    const p0 = data[pick * 3]!;
    const p1 = data[pick * 3 + 1]!;
    const p2 = data[pick * 3 + 2]!;
    for (let i = 0; i < n; i++) {
      const d0 = data[i * 3]! - p0;
      const d1 = data[i * 3 + 1]! - p1;
      const d2 = data[i * 3 + 2]! - p2;
      const d = d0 * d0 + d1 * d1 + d2 * d2;
      const v = d < nearest[i]! ? d : nearest[i]!;
      out[i] = v;
      total += v;
    }
    return total;
  }
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let t = 0; t < dims; t++) {
      const diff = data[i * dims + t]! - data[pick * dims + t]!;
      d += diff * diff;
    }
    const v = d < nearest[i]! ? d : nearest[i]!;
    out[i] = v;
    total += v;
  }
  return total;
}

const kernel = segmentationKernel();

export function lloydState(points: FlatPoints, start: Float64Array, options: LloydOptions, allocate: (length: number) => Float64Array, allocateInt: (length: number) => Int32Array): LloydState {
  const { n, dims } = points;
  const k = start.length / dims;
  if (!Number.isInteger(k) || k < 1) throw new RangeError("the start must hold whole centres of the points' dimension");
  const labels = allocateInt(n);
  labels.fill(-1);
  const upper = allocate(n);
  upper.fill(Number.POSITIVE_INFINITY);
  const startCopy = allocate(start.length);
  startCopy.set(start);
  return {
    data: points.data,
    n,
    dims,
    k,
    start: startCopy,
    maxIterations: options.maxIterations ?? 100,
    tolerance: options.tolerance ?? 1e-6,
    labels,
    upper,
    lower: allocate(n),
    partials: allocate(2 * kernel.chunkCount(n) * (k * dims + k + 1)),
    chunkInertia: allocate(kernel.chunkCount(n)),
    centroids: allocate(start.length),
    meta: allocate(2),
    control: allocateInt(3),
  };
}

export function lloydResult(state: LloydState): LloydResult {
  let inertia = 0;
  for (const part of state.chunkInertia) inertia += part;
  return { labels: state.labels, centroids: state.centroids, inertia, iterations: state.meta[0]!, converged: state.meta[1] === 1 };
}

export interface LloydOptions {
  maxIterations?: number;
  /** Stop when the squared centre shifts add up to at most this (default 1e-6). */
  tolerance?: number;
}

/**
 * Lloyd's iterations with Hamerly's bounds (Hamerly, 2010): each point keeps an
 * upper bound on the distance to its centre and a lower bound on the distance
 * to the second nearest; when the bounds already decide, no distance is
 * computed. The assignments, and so the result, are exactly Lloyd's. Runs on
 * the calling thread; lib/compute gives the same result from worker threads.
 */
export function lloyd(points: FlatPoints, start: Float64Array, options: LloydOptions = {}): LloydResult {
  const state = lloydState(points, start, options, (length) => new Float64Array(length), (length) => new Int32Array(length));
  kernel.lloydRun(state, 0, 1);
  return lloydResult(state);
}
