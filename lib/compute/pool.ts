import os from "node:os";
import { Worker } from "node:worker_threads";
import { segmentationKernel } from "../segmentation/kernel";

/**
 * A small pool of worker threads running kernel.ts, one per available core,
 * started on first use and reused. The workers are built from the kernel's
 * source text (`eval`), not from a file, so they work the same under tsx,
 * Vitest and in Next.js' bundled server. Idle workers are unref'd: they never
 * keep the process alive. When workers cannot start or one fails, callers fall
 * back to the calling thread, which runs the same kernel with the same result.
 */

// esbuild (tsx) keeps function names by wrapping inner functions in __name(…); the worker has no such helper.
const SOURCE = `"use strict";
const __name = (target) => target;
const { parentPort } = require("node:worker_threads");
(${segmentationKernel.toString()})().serve(parentPort);
`;

interface Job {
  remaining: number;
  error?: string;
  control?: Int32Array;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class KernelPool {
  private readonly workers: Worker[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private failed: Error | null = null;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      // No execArgv: the kernel needs none of the parent's loaders (tsx's, for one), and boots faster without.
      const worker = new Worker(SOURCE, { eval: true, name: `segmenta-kernel-${i}`, execArgv: [] });
      worker.unref();
      worker.on("message", (message: { id: number; error?: string }) => this.settle(message.id, message.error));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => this.fail(new Error(`a k-means worker exited (code ${code})`)));
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  get usable(): boolean {
    return this.failed === null;
  }

  /**
   * Posts a job to every worker (with its index and their number) and
   * resolves when all have replied. Every job goes to every worker, all in the
   * same order, so jobs that synchronise their workers (Lloyd's barrier)
   * cannot deadlock, whoever else uses the pool meanwhile.
   */
  run(type: "lloyd" | "silhouette", state: object, options: { control?: Int32Array } = {}): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    const workers = this.workers;
    return new Promise<void>((resolve, reject) => {
      if (this.jobs.size === 0) for (const worker of workers) worker.ref();
      this.jobs.set(id, { remaining: workers.length, control: options.control, resolve, reject });
      workers.forEach((worker, index) => worker.postMessage({ id, type, worker: index, workers: workers.length, state }));
    });
  }

  /** Stops the workers; pending jobs are rejected (their callers fall back to the calling thread). */
  async close(): Promise<void> {
    const workers = [...this.workers];
    this.fail(new Error("the k-means worker pool was closed"), false);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private settle(id: number, error: string | undefined): void {
    const job = this.jobs.get(id);
    if (!job) return;
    if (error && !job.error) job.error = error;
    if (--job.remaining > 0) return;
    this.jobs.delete(id);
    if (this.jobs.size === 0) for (const worker of this.workers) worker.unref();
    if (job.error) job.reject(new Error(`k-means worker failed: ${job.error}`));
    else job.resolve();
  }

  private fail(error: Error, counts = true): void {
    if (this.failed) return;
    this.failed = error;
    if (counts) console.warn(`[segmenta] k-means worker threads stopped (${error.message}); the work goes on on the calling thread, with the same result.`);
    if (pool === this) {
      // The next caller starts a new pool (after three failures, none: the calling thread does the work).
      if (counts) failures++;
      pool = undefined;
    }
    for (const job of this.jobs.values()) {
      // Release workers waiting at a barrier for the one that failed.
      if (job.control) {
        Atomics.store(job.control, 2, 1);
        Atomics.notify(job.control, 0);
      }
      job.reject(error);
    }
    this.jobs.clear();
    for (const worker of this.workers) {
      worker.removeAllListeners("exit");
      void worker.terminate();
    }
  }
}

let pool: KernelPool | null | undefined;
let failures = 0;

/** The shared pool, or null when there is no point (one core) or workers cannot be started. */
export function kernelPool(): KernelPool | null {
  if (pool !== undefined) return pool;
  const size = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  // After repeated failures, stay on the calling thread.
  if (size < 2 || failures >= 3) return (pool = null);
  try {
    pool = new KernelPool(size);
  } catch {
    pool = null;
  }
  return pool;
}

/** Float64Array / Int32Array on shared memory when workers will read or write it. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}
