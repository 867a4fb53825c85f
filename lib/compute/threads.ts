import { meanSilhouettes, silhouettesOf, silhouetteState } from "../segmentation/cluster-quality";
import type { ClusteringEngine } from "../segmentation/engine";
import { segmentationKernel } from "../segmentation/kernel";
import { lloyd, lloydResult, lloydState, type FlatPoints, type LloydOptions, type LloydResult } from "../segmentation/lloyd";
import { kernelPool, sharedFloat64, sharedInt32, type KernelPool } from "./pool";

/**
 * The clustering engine on worker threads (lib/segmentation/engine.ts): the
 * same kernel as on the calling thread (kernel.ts), split across the threads
 * of pool.ts, with the same result to the last bit (each fixed chunk of
 * points is summed in order, chunks in chunk order). Work too small to be
 * worth the threads, or a pool that cannot run, stays on the calling thread.
 */

/** Parallel Lloyd runs are worth their overhead from about this many points. */
export const PARALLEL_MIN_POINTS = 20_000;
/** Silhouette samples below this size are scored on the calling thread. */
const PARALLEL_MIN_SAMPLE = 1000;

const kernel = segmentationKernel();

export interface ParallelOptions extends LloydOptions {
  /** false: run on the calling thread. */
  workers?: boolean;
  /** Fewer points than this run on the calling thread (default PARALLEL_MIN_POINTS). */
  minPoints?: number;
  /** Another pool than the shared one (tests: other numbers of threads). */
  pool?: KernelPool;
}

/**
 * `lloyd` with the points split across the worker threads: the same labels,
 * centres, inertia and iterations to the last bit. Below PARALLEL_MIN_POINTS
 * points, or without workers, it runs `lloyd` here. Points on shared memory
 * (a SharedArrayBuffer) are not copied.
 */
export async function lloydParallel(points: FlatPoints, start: Float64Array, options: ParallelOptions = {}): Promise<LloydResult> {
  const pool = options.workers === false || points.n < (options.minPoints ?? PARALLEL_MIN_POINTS) ? null : (options.pool ?? kernelPool());
  if (!pool || !pool.usable) return lloyd(points, start, options);
  const shared = points.data.buffer instanceof SharedArrayBuffer ? points : copyToShared(points);
  const state = lloydState(shared, start, options, sharedFloat64, sharedInt32);
  try {
    await pool.run("lloyd", state, { control: state.control });
  } catch {
    // A worker failed (it is replaced on the next call): same computation, here.
    return lloyd(points, start, options);
  }
  return lloydResult(state);
}

function copyToShared(points: FlatPoints): FlatPoints {
  const data = sharedFloat64(points.data.length);
  data.set(points.data);
  return { data, n: points.n, dims: points.dims };
}

/** `silhouettes` (cluster-quality.ts) computed by the worker threads: the same numbers to the last bit. */
export async function silhouettesParallel(
  points: FlatPoints,
  labelings: readonly ArrayLike<number>[],
  ks: readonly number[],
  sampleSize: number,
  seed: number,
  options: { workers?: boolean; pool?: KernelPool } = {},
): Promise<number[]> {
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

/** An engine on the worker threads of `pool` (default: the shared pool, one thread per core). */
export function threadedEngine(pool?: KernelPool): ClusteringEngine {
  return {
    lloyd: (points, start, options) => lloydParallel(points, start, { ...options, pool }),
    silhouettes: (points, labelings, ks, sampleSize, seed) => silhouettesParallel(points, labelings, ks, sampleSize, seed, { pool }),
    allocate: sharedFloat64,
    // Started now, the threads boot while the first fit runs on this one.
    prepare: (points) => {
      if (points >= PARALLEL_MIN_SAMPLE) kernelPool();
    },
  };
}
