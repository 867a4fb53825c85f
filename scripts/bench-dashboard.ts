/**
 * Dashboard speed (issue 5): each page of the dashboard, on the full UCI
 * Online Retail dataset, under 20 concurrent readers (autocannon), with the
 * 50th, 95th and 99th percentiles of the server's answer time. Goal: p95 under
 * 300 ms on every page. It also prints the first reader's time: Next rendering
 * the page from saved query answers, before the page cache (lib/http/page-cache.ts)
 * keeps it. Called by scripts/bench.ts once the data is loaded.
 */
import autocannon from "autocannon";

export interface DashboardPage {
  label: string;
  path: string;
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(url: string, seconds: number, headers: Record<string, string>, connections: number): Promise<{ latencies: number[]; errors: number; non2xx: number }> {
  const latencies: number[] = [];
  const result = await autocannon({
    url,
    headers,
    connections,
    duration: seconds,
    // Every answer's time, so the percentiles are exact (autocannon's own summary has no p95).
    setupClient: (client) => client.on("response", (_status: number, _bytes: number, ms: number) => latencies.push(ms)),
  });
  return { latencies: latencies.sort((a, b) => a - b), errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/** What Chromium asks for: pages come compressed (the dataset overview at 10M lines: 400 KB of HTML, 50 KB gzipped). */
const BROWSER_HEADERS = { "accept-encoding": "gzip, deflate, br, zstd" };

/** `headers` carry the readers' session cookie: every reader is signed in, as the same analyst, and asks for compressed pages as a browser does. */
export async function benchDashboard(
  base: string,
  pages: DashboardPage[],
  log: (line: string) => void,
  headers: Record<string, string>,
  { seconds = 5, connections = 20, p95GoalMs = 300, what = "UCI Online Retail" }: { seconds?: number; connections?: number; p95GoalMs?: number; what?: string } = {},
): Promise<boolean> {
  log("");
  log(`dashboard pages on ${what}, ${connections} concurrent signed-in readers, ${seconds} s each (autocannon):`);
  let met = true;
  headers = { ...BROWSER_HEADERS, ...headers };
  for (const page of pages) {
    const url = `${base}${page.path}`;
    // The first reader: Next renders the page (from saved query answers); the page cache keeps it for the others.
    const started = performance.now();
    const first = await fetch(url, { headers, redirect: "manual" });
    if (!first.ok) throw new Error(`${page.path} answered ${first.status}`);
    await first.arrayBuffer();
    const firstMs = performance.now() - started;
    const { latencies, errors, non2xx } = await load(url, seconds, headers, connections);
    const p95 = percentile(latencies, 95);
    const ok = p95 < p95GoalMs && errors === 0 && non2xx === 0;
    met &&= ok;
    log(
      `  ${page.label.padEnd(34)} first render ${firstMs.toFixed(0).padStart(4)} ms, then ${String(latencies.length).padStart(6)} answers  p50 ${percentile(latencies, 50).toFixed(0).padStart(4)} ms  p95 ${p95.toFixed(0).padStart(4)} ms  p99 ${percentile(latencies, 99).toFixed(0).padStart(4)} ms` +
        (errors || non2xx ? `  (${errors} errors, ${non2xx} not 2xx)` : ""),
    );
  }
  log(`  every page p95 < ${p95GoalMs} ms: ${met ? "met" : "NOT met"}`);
  return met;
}
