/**
 * The soak's probe (scripts/bench-soak.ts), in a process of its own: GET URL
 * with the session's cookie every EVERY ms until UNTIL (epoch ms), one JSON
 * line per answer on stdout: { start, end (epoch ms), ms, status | error,
 * timing }, timing being the answer's Server-Timing durations (lib/http/timing.ts:
 * queue, auth, app), to say where a slow answer's time went.
 * A person's browser does not share an event loop with 50 other readers: in
 * the bench's own process the probe's time included the readers' client work
 * (decompressing ~300 answers a second), not only the server's.
 *   tsx scripts/bench-probe.ts URL COOKIE EVERY UNTIL
 */
import { parseServerTiming } from "../lib/http/timing";

const [url, cookie, every, until] = process.argv.slice(2);
if (!url || !cookie || !every || !until) throw new Error("usage: bench-probe.ts URL COOKIE EVERY_MS UNTIL_EPOCH_MS");
const headers = { cookie, "accept-encoding": "gzip, deflate, br, zstd" };
while (Date.now() < Number(until)) {
  const start = Date.now();
  const started = performance.now();
  try {
    const response = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    process.stdout.write(`${JSON.stringify({ start, end: Date.now(), ms: performance.now() - started, status: response.status, timing: parseServerTiming(response.headers.get("server-timing")) })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ start, end: Date.now(), ms: performance.now() - started, error: error instanceof Error ? error.name : String(error) })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, Number(every)));
}
