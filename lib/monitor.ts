import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import type pg from "pg";

/**
 * What the web server's own process sees under load, one line every
 * `everyMs` (SEGMENTA_MONITOR_MS; the soak sets it, scripts/bench-soak.ts):
 * how long its event loop was held (the 99th percentile and the longest
 * wait of a 10 ms timer) and the CPU it used meanwhile (a loop held while the
 * process used little CPU waited for a core others held), requests for a database connection waiting behind a
 * full pool, and its memory (the V8 heap as used, buffers outside it, the
 * process's resident set), to tell a leak (heap growing past collections)
 * from memory the process keeps after a peak.
 */
export interface MonitorSample {
  /** Which process: the launcher (its page cache, scripts/start.ts) says so; the web server's samples have none. */
  source?: "launcher";
  /** Event-loop delay over the interval, ms. */
  loopP99: number;
  loopMax: number;
  /** CPU time the process used over the interval, as a share of one core (0.5 = half of one): near 1 with a long delay, the process itself is the bottleneck; well under 1, it waited for a core. */
  cpu: number;
  /** The pool: connections open, idle, and callers waiting for one (at the sample's moment, and the most seen). */
  poolTotal: number;
  poolIdle: number;
  poolWaiting: number;
  poolWaitingMax: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** Taken right after a full collection the soak asked for (SIGUSR2, below), not on the timer. */
  collected?: true;
  /** The launcher's page cache: the bytes of its kept answers (bounded by its maxBytes) and how many. */
  cacheBytes?: number;
  cacheEntries?: number;
}

export const MONITOR_PREFIX = "[segmenta] monitor ";

export function startMonitor(
  pool: pg.Pool,
  everyMs: number,
  write: (line: string) => void = (line) => console.log(line),
  source?: MonitorSample["source"],
  /** Figures of the process's own to add to each sample (the launcher's page cache). */
  extra: () => Pick<MonitorSample, "cacheBytes" | "cacheEntries"> = () => ({}),
): () => void {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let waitingMax = 0;
  let cpuBefore = process.cpuUsage();
  let at = performance.now();
  // The pool's queue, sampled often (a sample every few seconds alone would miss its peaks).
  const often = setInterval(() => (waitingMax = Math.max(waitingMax, pool.waitingCount)), 50);
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const cpuUsed = process.cpuUsage(cpuBefore);
    const now = performance.now();
    const sample: MonitorSample = {
      ...(source ? { source } : {}),
      loopP99: Math.round(loop.percentile(99) / 1e6),
      loopMax: Math.round(loop.max / 1e6),
      cpu: Math.round((cpuUsed.user + cpuUsed.system) / 10 / (now - at)) / 100,
      poolTotal: pool.totalCount,
      poolIdle: pool.idleCount,
      poolWaiting: pool.waitingCount,
      poolWaitingMax: waitingMax,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      rss: memory.rss,
      ...extra(),
    };
    loop.reset();
    waitingMax = 0;
    cpuBefore = process.cpuUsage();
    at = now;
    write(`${MONITOR_PREFIX}${JSON.stringify(sample)}`);
  }, everyMs);
  often.unref();
  timer.unref();
  // The soak's quiet points (scripts/bench-soak.ts) compare memory at two times: SIGUSR2 runs a full collection
  // first, so what is compared is what the process holds, not how long ago its last collection ran.
  const collect = () => {
    fullCollection();
    const memory = process.memoryUsage();
    write(`${MONITOR_PREFIX}${JSON.stringify({ ...(source ? { source } : {}), collected: true, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers, rss: memory.rss })}`);
  };
  process.on("SIGUSR2", collect);
  return () => {
    clearInterval(often);
    clearInterval(timer);
    process.off("SIGUSR2", collect);
    loop.disable();
  };
}

/** A full, synchronous collection of the V8 heap (node's gc(), made available for this call). */
function fullCollection(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}
