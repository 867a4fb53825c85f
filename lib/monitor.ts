import { monitorEventLoopDelay } from "node:perf_hooks";
import type pg from "pg";

/**
 * What the web server's own process sees under load, one line every
 * `everyMs` (SEGMENTA_MONITOR_MS; the soak sets it, scripts/bench-soak.ts):
 * how long its event loop was held (the 99th percentile and the longest
 * wait of a 10 ms timer), requests for a database connection waiting behind a
 * full pool, and its memory (the V8 heap as used, buffers outside it, the
 * process's resident set), to tell a leak (heap growing past collections)
 * from memory the process keeps after a peak.
 */
export interface MonitorSample {
  /** Event-loop delay over the interval, ms. */
  loopP99: number;
  loopMax: number;
  /** The pool: connections open, idle, and callers waiting for one (at the sample's moment, and the most seen). */
  poolTotal: number;
  poolIdle: number;
  poolWaiting: number;
  poolWaitingMax: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export const MONITOR_PREFIX = "[segmenta] monitor ";

export function startMonitor(pool: pg.Pool, everyMs: number, write: (line: string) => void = (line) => console.log(line)): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let waitingMax = 0;
  // The pool's queue, sampled often (a sample every few seconds alone would miss its peaks).
  const often = setInterval(() => (waitingMax = Math.max(waitingMax, pool.waitingCount)), 50);
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const sample: MonitorSample = {
      loopP99: Math.round(loop.percentile(99) / 1e6),
      loopMax: Math.round(loop.max / 1e6),
      poolTotal: pool.totalCount,
      poolIdle: pool.idleCount,
      poolWaiting: pool.waitingCount,
      poolWaitingMax: waitingMax,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      rss: memory.rss,
    };
    loop.reset();
    waitingMax = 0;
    write(`${MONITOR_PREFIX}${JSON.stringify(sample)}`);
  }, everyMs);
  often.unref();
  timer.unref();
  return () => {
    clearInterval(often);
    clearInterval(timer);
    loop.disable();
  };
}
