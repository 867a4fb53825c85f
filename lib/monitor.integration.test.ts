import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { MONITOR_PREFIX, startMonitor, type MonitorSample } from "./monitor";

/** The web server's monitor (SEGMENTA_MONITOR_MS) on a real PostgreSQL: it sees callers queued behind a full pool and a held event loop. */
let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject("adminUrl"), max: 1 });
});
afterAll(async () => {
  await pool.end();
});

test("reports the callers waiting behind a full pool, the event loop held, and the memory", async () => {
  const lines: string[] = [];
  const stop = startMonitor(pool, 400, (line) => lines.push(line));
  try {
    // One connection, held 600 ms; three callers wait for it.
    const queries = [pool.query("select pg_sleep(0.6)"), pool.query("select 1"), pool.query("select 2"), pool.query("select 3")];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const until = performance.now() + 200;
    while (performance.now() < until); // the event loop held 200 ms
    await Promise.all(queries);
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    stop();
  }
  const samples = lines.map((line) => JSON.parse(line.slice(MONITOR_PREFIX.length)) as MonitorSample);
  expect(lines.every((line) => line.startsWith(MONITOR_PREFIX))).toBe(true);
  expect(Math.max(...samples.map((s) => s.poolWaitingMax))).toBe(3);
  expect(Math.max(...samples.map((s) => s.loopMax))).toBeGreaterThanOrEqual(190);
  // The 200 ms busy loop is CPU time in the intervals' shares (a fifth of it at least: a busy machine lends less).
  expect(samples.reduce((sum, s) => sum + s.cpu * 400, 0)).toBeGreaterThanOrEqual(40);
  expect(samples.at(-1)!.poolWaiting).toBe(0);
  expect(samples.at(-1)!.heapUsed).toBeGreaterThan(1024 * 1024);
  expect(samples.at(-1)!.rss).toBeGreaterThanOrEqual(samples.at(-1)!.heapUsed);
});

test("SIGUSR2 runs a full collection and reports the memory after it (the soak's quiet points)", async () => {
  const lines: string[] = [];
  const stop = startMonitor(pool, 60_000, (line) => lines.push(line));
  try {
    // About 80 MB of objects, then dropped: a full collection frees them, whenever the last one ran.
    let garbage: number[][] | null = Array.from({ length: 200 }, () => Array.from({ length: 50_000 }, (_, i) => i + 0.5));
    const held = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(200);
    garbage = null;
    process.kill(process.pid, "SIGUSR2");
    for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const sample = JSON.parse(lines[0]!.slice(MONITOR_PREFIX.length)) as MonitorSample;
    expect(sample.collected).toBe(true);
    expect(sample.heapUsed).toBeLessThan(held - 50 * 1024 * 1024);
    expect(sample.rss).toBeGreaterThan(0);
  } finally {
    stop();
  }
  // Stopped, the monitor no longer listens: the signal is the process's own again.
  expect(process.listenerCount("SIGUSR2")).toBe(0);
});
