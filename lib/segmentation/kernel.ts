/* eslint-disable max-lines -- the worker threads' code: it must stay one self-contained function (its source text is what the workers run). */
/**
 * The number crunching of k-means, written once for both the calling thread
 * and the worker threads of pool.ts.
 *
 * `segmentationKernel` must stay self-contained: no imports, no references to
 * anything outside its body, no syntax a compiler would lower to a helper. The
 * pool starts its workers from `segmentationKernel.toString()` (a worker file
 * referenced by path would not survive Next.js' bundling), so the workers run
 * exactly this code, and the calling thread runs it too when there are no
 * workers: the same arithmetic in the same order, so the same results to the
 * last bit whichever thread computes what.
 *
 * Determinism across thread counts: in Lloyd's iterations, points are split
 * into fixed chunks of CHUNK points; each chunk's sums are computed in index
 * order and chunks are combined in chunk order, whoever computed them. A
 * silhouette is computed point by point, each point wholly by one thread.
 * Workers synchronise Lloyd's iterations with one barrier (Atomics on a
 * shared Int32Array) per iteration.
 */

/** Buffers of one Lloyd run. Shared (SharedArrayBuffer) when workers run it, plain otherwise. */
export interface LloydState {
  data: Float64Array;
  n: number;
  dims: number;
  k: number;
  /** Start centres (k × dims); the final centres are written to `centroids`. */
  start: Float64Array;
  maxIterations: number;
  tolerance: number;
  labels: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
  /** 2 × chunks × (k·dims + k + 1): per chunk sums, counts and changed assignments, double-buffered by iteration. */
  partials: Float64Array;
  /** Per chunk inertia of the final assignment. */
  chunkInertia: Float64Array;
  centroids: Float64Array;
  /** [iterations, converged (0 or 1)]. */
  meta: Float64Array;
  /** [barrier generation, arrivals, abort]. */
  control: Int32Array;
}

/**
 * Mean silhouettes of several labelings of the same m sample points, which are
 * grouped into atoms: points with the same cluster in every labeling. Every
 * cluster is a union of atoms, so a point's distances are summed once per atom
 * and the atom sums added up per cluster of each labeling (see kmeans.ts).
 */
export interface SilhouetteState {
  /** m × dims sample points, row-major, atom after atom. */
  points: Float64Array;
  m: number;
  dims: number;
  labelings: number;
  atoms: number;
  /** Atom a holds points atomStart[a] … atomStart[a + 1] - 1. */
  atomStart: Int32Array;
  /** atomCluster[l · atoms + a]: cluster of atom a in labeling l. */
  atomCluster: Int32Array;
  /** Labeling l's clusters are clusterSize[clusterBase[l]] … clusterSize[clusterBase[l + 1] - 1]. */
  clusterBase: Int32Array;
  clusterSize: Int32Array;
  /** out[i · labelings + l]: silhouette of point i (atom order) under labeling l. */
  out: Float64Array;
}

export interface SegmentationKernel {
  CHUNK: number;
  chunkCount(n: number): number;
  lloydRun(state: LloydState, worker: number, workers: number): boolean;
  silhouetteRows(state: SilhouetteState, from: number, to: number): void;
  serve(port: { on(event: "message", listener: (message: unknown) => void): unknown; postMessage(message: unknown): void }): void;
}

export function segmentationKernel(): SegmentationKernel {
  const CHUNK = 2048;

  function chunkCount(n: number): number {
    return Math.ceil(n / CHUNK);
  }

  /** Waits until every worker of the run arrives; false when the run was aborted. */
  function barrier(control: Int32Array, workers: number): boolean {
    if (workers === 1) return true;
    const generation = Atomics.load(control, 0);
    if (Atomics.add(control, 1, 1) === workers - 1) {
      Atomics.store(control, 1, 0);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
    } else {
      let spins = 0;
      while (Atomics.load(control, 0) === generation) {
        if (Atomics.load(control, 2) !== 0) return false;
        if (spins < 4000) spins++;
        else Atomics.wait(control, 0, generation, 50);
      }
    }
    return Atomics.load(control, 2) === 0;
  }

  /**
   * Assigns the points of one chunk to their nearest centre with Hamerly's
   * bounds (Hamerly, 2010), after moving the bounds by how far the centres
   * moved, and writes the chunk's sums, counts and number of changed labels.
   */
  function assignChunk(s: LloydState, centroids: Float64Array, halfGap: Float64Array, moved: Float64Array, maxMove: number, from: number, to: number, p0: number): void {
    const data = s.data;
    const dims = s.dims;
    const k = s.k;
    const labels = s.labels;
    const upper = s.upper;
    const lower = s.lower;
    const part = s.partials;
    const countsAt = p0 + k * dims;
    for (let j = p0; j <= countsAt + k; j++) part[j] = 0;
    let changed = 0;
    if (dims === 3) {
      // The usual case (recency, frequency, monetary), written out: about a third faster than the loop over t below.
      for (let i = from; i < to; i++) {
        const x0 = data[i * 3]!;
        const x1 = data[i * 3 + 1]!;
        const x2 = data[i * 3 + 2]!;
        let own = labels[i]!;
        let scan = own < 0;
        if (!scan) {
          let u = upper[i]! + moved[own]!;
          const l = lower[i]! - maxMove;
          lower[i] = l;
          const bound = halfGap[own]! > l ? halfGap[own]! : l;
          if (u > bound) {
            // Tighten the upper bound; if the bounds still do not decide, look at every centre.
            const d0 = x0 - centroids[own * 3]!;
            const d1 = x1 - centroids[own * 3 + 1]!;
            const d2 = x2 - centroids[own * 3 + 2]!;
            u = Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
            if (u > bound) scan = true;
          }
          upper[i] = u;
        }
        if (scan) {
          let best = 0;
          let bestD = Number.POSITIVE_INFINITY;
          let secondD = Number.POSITIVE_INFINITY;
          for (let c = 0; c < k; c++) {
            const d0 = x0 - centroids[c * 3]!;
            const d1 = x1 - centroids[c * 3 + 1]!;
            const d2 = x2 - centroids[c * 3 + 2]!;
            const d = d0 * d0 + d1 * d1 + d2 * d2;
            if (d < bestD) {
              secondD = bestD;
              bestD = d;
              best = c;
            } else if (d < secondD) secondD = d;
          }
          if (best !== own) {
            labels[i] = best;
            own = best;
            changed++;
          }
          upper[i] = Math.sqrt(bestD);
          lower[i] = Math.sqrt(secondD);
        }
        part[countsAt + own]!++;
        const s0 = p0 + own * 3;
        part[s0]! += x0;
        part[s0 + 1]! += x1;
        part[s0 + 2]! += x2;
      }
      part[countsAt + k] = changed;
      return;
    }
    for (let i = from; i < to; i++) {
      const base = i * dims;
      let own = labels[i]!;
      let scan = own < 0;
      if (!scan) {
        let u = upper[i]! + moved[own]!;
        const l = lower[i]! - maxMove;
        lower[i] = l;
        const bound = halfGap[own]! > l ? halfGap[own]! : l;
        if (u > bound) {
          let d = 0;
          const c0 = own * dims;
          for (let t = 0; t < dims; t++) {
            const diff = data[base + t]! - centroids[c0 + t]!;
            d += diff * diff;
          }
          u = Math.sqrt(d);
          if (u > bound) scan = true;
        }
        upper[i] = u;
      }
      if (scan) {
        let best = 0;
        let bestD = Number.POSITIVE_INFINITY;
        let secondD = Number.POSITIVE_INFINITY;
        for (let c = 0; c < k; c++) {
          const c0 = c * dims;
          let d = 0;
          for (let t = 0; t < dims; t++) {
            const diff = data[base + t]! - centroids[c0 + t]!;
            d += diff * diff;
          }
          if (d < bestD) {
            secondD = bestD;
            bestD = d;
            best = c;
          } else if (d < secondD) secondD = d;
        }
        if (best !== own) {
          labels[i] = best;
          own = best;
          changed++;
        }
        upper[i] = Math.sqrt(bestD);
        lower[i] = Math.sqrt(secondD);
      }
      part[countsAt + own]!++;
      const s0 = p0 + own * dims;
      for (let t = 0; t < dims; t++) part[s0 + t]! += data[base + t]!;
    }
    part[countsAt + k] = changed;
  }

  /**
   * Lloyd's iterations over the chunks of worker `worker` of `workers` (all of
   * them when workers = 1). Every worker combines all chunks' sums in chunk
   * order, so every worker computes the same centres; one barrier per
   * iteration. Returns false when the run was aborted.
   */
  function lloydRun(s: LloydState, worker: number, workers: number): boolean {
    const n = s.n;
    const dims = s.dims;
    const k = s.k;
    const width = k * dims;
    const stride = width + k + 1;
    const chunks = chunkCount(n);
    const first = Math.floor((chunks * worker) / workers);
    const last = Math.floor((chunks * (worker + 1)) / workers);
    const centroids = Float64Array.from(s.start);
    const halfGap = new Float64Array(k);
    const moved = new Float64Array(k);
    const sums = new Float64Array(width);
    const counts = new Float64Array(k);
    let maxMove = 0;
    let iterations = 0;
    let converged = false;
    while (iterations < s.maxIterations) {
      iterations++;
      // Half the distance from each centre to its nearest other centre.
      for (let c = 0; c < k; c++) {
        let nearest = Number.POSITIVE_INFINITY;
        for (let o = 0; o < k; o++) {
          if (o === c) continue;
          let d = 0;
          for (let t = 0; t < dims; t++) {
            const diff = centroids[c * dims + t]! - centroids[o * dims + t]!;
            d += diff * diff;
          }
          if (d < nearest) nearest = d;
        }
        halfGap[c] = Math.sqrt(nearest) / 2;
      }
      const buffer = (iterations & 1) * chunks * stride;
      for (let chunk = first; chunk < last; chunk++) {
        assignChunk(s, centroids, halfGap, moved, maxMove, chunk * CHUNK, Math.min(n, (chunk + 1) * CHUNK), buffer + chunk * stride);
      }
      if (!barrier(s.control, workers)) return false;
      // New centres from all chunks, in chunk order; a centre that lost all its points stays.
      sums.fill(0);
      counts.fill(0);
      let changed = 0;
      const part = s.partials;
      for (let chunk = 0; chunk < chunks; chunk++) {
        const p0 = buffer + chunk * stride;
        for (let j = 0; j < width; j++) sums[j]! += part[p0 + j]!;
        for (let c = 0; c < k; c++) counts[c]! += part[p0 + width + c]!;
        changed += part[p0 + width + k]!;
      }
      let shift = 0;
      maxMove = 0;
      for (let c = 0; c < k; c++) {
        let m = 0;
        if (counts[c]! > 0) {
          for (let t = 0; t < dims; t++) {
            const value = sums[c * dims + t]! / counts[c]!;
            const diff = value - centroids[c * dims + t]!;
            m += diff * diff;
            centroids[c * dims + t] = value;
          }
        }
        shift += m;
        moved[c] = Math.sqrt(m);
        if (moved[c]! > maxMove) maxMove = moved[c]!;
      }
      if (changed === 0 || shift <= s.tolerance) {
        converged = true;
        break;
      }
    }
    // Inertia of the final assignment, per chunk.
    const data = s.data;
    const labels = s.labels;
    for (let chunk = first; chunk < last; chunk++) {
      let inertia = 0;
      const to = Math.min(n, (chunk + 1) * CHUNK);
      for (let i = chunk * CHUNK; i < to; i++) {
        const c0 = labels[i]! * dims;
        for (let t = 0; t < dims; t++) {
          const diff = data[i * dims + t]! - centroids[c0 + t]!;
          inertia += diff * diff;
        }
      }
      s.chunkInertia[chunk] = inertia;
    }
    if (worker === 0) {
      s.centroids.set(centroids);
      s.meta[0] = iterations;
      s.meta[1] = converged ? 1 : 0;
    }
    return true;
  }

  /** atomSums[a]: sum of the distances from point i to the points of atom a (in order, four running sums per atom). */
  function atomDistances(s: SilhouetteState, i: number, atomSums: Float64Array): void {
    const points = s.points;
    const dims = s.dims;
    const atomStart = s.atomStart;
    const base = i * dims;
    if (dims === 3) {
      const x0 = points[base]!;
      const x1 = points[base + 1]!;
      const x2 = points[base + 2]!;
      for (let a = 0; a < s.atoms; a++) {
        const hi = atomStart[a + 1]!;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = atomStart[a]!;
        for (; j + 3 < hi; j += 4) {
          let d0 = x0 - points[j * 3]!;
          let d1 = x1 - points[j * 3 + 1]!;
          let d2 = x2 - points[j * 3 + 2]!;
          s0 += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
          d0 = x0 - points[j * 3 + 3]!;
          d1 = x1 - points[j * 3 + 4]!;
          d2 = x2 - points[j * 3 + 5]!;
          s1 += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
          d0 = x0 - points[j * 3 + 6]!;
          d1 = x1 - points[j * 3 + 7]!;
          d2 = x2 - points[j * 3 + 8]!;
          s2 += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
          d0 = x0 - points[j * 3 + 9]!;
          d1 = x1 - points[j * 3 + 10]!;
          d2 = x2 - points[j * 3 + 11]!;
          s3 += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
        }
        for (; j < hi; j++) {
          const d0 = x0 - points[j * 3]!;
          const d1 = x1 - points[j * 3 + 1]!;
          const d2 = x2 - points[j * 3 + 2]!;
          s0 += Math.sqrt(d0 * d0 + d1 * d1 + d2 * d2);
        }
        atomSums[a] = s0 + s1 + (s2 + s3);
      }
      return;
    }
    for (let a = 0; a < s.atoms; a++) {
      const hi = atomStart[a + 1]!;
      let sum = 0;
      for (let j = atomStart[a]!; j < hi; j++) {
        let d = 0;
        for (let t = 0; t < dims; t++) {
          const diff = points[base + t]! - points[j * dims + t]!;
          d += diff * diff;
        }
        sum += Math.sqrt(d);
      }
      atomSums[a] = sum;
    }
  }

  /** Silhouettes of sample points from … to-1 (atom order) under every labeling. */
  function silhouetteRows(s: SilhouetteState, from: number, to: number): void {
    const atoms = s.atoms;
    const labelings = s.labelings;
    const atomStart = s.atomStart;
    const atomCluster = s.atomCluster;
    const clusterBase = s.clusterBase;
    const clusterSize = s.clusterSize;
    const out = s.out;
    const atomSums = new Float64Array(atoms);
    const clusterSums = new Float64Array(clusterBase[labelings]!);
    let atom = 0;
    while (atomStart[atom + 1]! <= from) atom++;
    for (let i = from; i < to; i++) {
      while (atomStart[atom + 1]! <= i) atom++;
      atomDistances(s, i, atomSums);
      clusterSums.fill(0);
      for (let l = 0; l < labelings; l++) {
        const base = clusterBase[l]!;
        const a0 = l * atoms;
        for (let a = 0; a < atoms; a++) clusterSums[base + atomCluster[a0 + a]!]! += atomSums[a]!;
        const own = base + atomCluster[a0 + atom]!;
        const ownCount = clusterSize[own]! - 1;
        if (ownCount === 0) {
          // A singleton's silhouette is 0.
          out[i * labelings + l] = 0;
          continue;
        }
        const a = clusterSums[own]! / ownCount;
        let b = Number.POSITIVE_INFINITY;
        for (let c = base; c < clusterBase[l + 1]!; c++) {
          if (c === own || clusterSize[c] === 0) continue;
          const mean = clusterSums[c]! / clusterSize[c]!;
          if (mean < b) b = mean;
        }
        out[i * labelings + l] = b === Number.POSITIVE_INFINITY ? 0 : (b - a) / (a > b ? a : b);
      }
    }
  }

  /** A worker's loop: runs the jobs the pool posts, replies { id } or { id, error }. */
  function serve(port: { on(event: "message", listener: (message: unknown) => void): unknown; postMessage(message: unknown): void }): void {
    port.on("message", (message: unknown) => {
      const job = message as { id: number; type: string; worker: number; workers: number; state: LloydState & SilhouetteState };
      try {
        if (job.type === "lloyd") {
          lloydRun(job.state, job.worker, job.workers);
        } else if (job.type === "silhouette") {
          const m = job.state.m;
          silhouetteRows(job.state, Math.floor((m * job.worker) / job.workers), Math.floor((m * (job.worker + 1)) / job.workers));
        } else throw new Error("unknown job " + job.type);
        port.postMessage({ id: job.id });
      } catch (error) {
        if (job.type === "lloyd" && job.state && job.state.control) {
          Atomics.store(job.state.control, 2, 1);
          Atomics.notify(job.state.control, 0);
        }
        port.postMessage({ id: job.id, error: error instanceof Error ? error.stack || error.message : String(error) });
      }
    });
  }

  return { CHUNK, chunkCount, lloydRun, silhouetteRows, serve };
}
