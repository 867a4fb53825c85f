import { silhouettesOf } from "./cluster-quality";
import { lloyd, type FlatPoints, type LloydOptions, type LloydResult } from "./lloyd";

/**
 * Where the heavy loops of a clustering run: Lloyd's iterations and the
 * silhouettes. The methods (kmeans.ts, hierarchical.ts) take one and never
 * know where it runs: `onThisThread` here, or lib/compute's engine, which
 * splits the same kernel (kernel.ts) across worker threads with the same
 * result to the last bit. lib/segmentation itself starts no thread.
 */
export interface ClusteringEngine {
  /** Lloyd's iterations from `start` (lloyd.ts' `lloyd`). */
  lloyd(points: FlatPoints, start: Float64Array, options: LloydOptions): Promise<LloydResult>;
  /** Mean silhouette of each labeling on one seeded sample (cluster-quality.ts' `silhouettes`). */
  silhouettes(points: FlatPoints, labelings: readonly ArrayLike<number>[], ks: readonly number[], sampleSize: number, seed: number): Promise<number[]>;
  /** Memory for large point arrays (worker threads need it shared). */
  allocate(length: number): Float64Array;
  /** Told how many points are coming, before the work starts (worker threads may boot meanwhile). */
  prepare?(points: number): void;
}

export const onThisThread: ClusteringEngine = {
  lloyd: async (points, start, options) => lloyd(points, start, options),
  silhouettes: async (points, labelings, ks, sampleSize, seed) => silhouettesOf(points, labelings, ks, sampleSize, seed),
  allocate: (length) => new Float64Array(length),
};
