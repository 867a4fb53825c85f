/**
 * Runs once when the web server starts (Next's instrumentation hook): the
 * preparer starts on what a stop left undone (datasets whose preparation
 * was cut, runs whose pages are not ready), drops the partitions of deleted
 * datasets and runs, and stops with the server (a stop cancels the statement
 * under way instead of waiting for it).
 *
 * A stop (SIGTERM or SIGINT): Next stops taking requests and waits for those
 * under way. Those waiting on a long query (a large dataset's page, a report)
 * get STOP_GRACE_MS to finish; then every statement of the pool is cancelled,
 * so they end with an error and the server exits within seconds.
 *
 * The web server never outlives the process that started it (the launcher,
 * scripts/start.ts, which also holds the page cache in front of it): when its
 * parent is gone it stops as on SIGTERM. A launcher killed outright (SIGKILL,
 * a crash) left next-server serving nobody, holding the bench's output pipe
 * open, until killed by hand.
 */
const STOP_GRACE_MS = 2000;

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.DATABASE_URL) return;
  const { getPool } = await import("./lib/db");
  const { cancelQueriesAtStop } = await import("./lib/db/pool");
  const { resumePreparation } = await import("./lib/services/preparation");
  const { readEnv } = await import("./lib/env");
  const { startMonitor } = await import("./lib/monitor");
  const pool = getPool();
  const monitorMs = readEnv().SEGMENTA_MONITOR_MS;
  if (monitorMs > 0) startMonitor(pool, monitorMs);
  resumePreparation(pool);
  cancelQueriesAtStop(pool, STOP_GRACE_MS);
  stopWhenOrphaned();
}

/** Checks once a second whether the parent is still the one that started this process; when not, a stop. */
function stopWhenOrphaned(): void {
  const parent = process.ppid;
  if (parent <= 1) return; // started by init itself (a container's first process): nothing to watch
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    console.error("[segmenta] the process that started the web server is gone: stopping");
    process.kill(process.pid, "SIGTERM");
  }, 1000);
  timer.unref();
}
