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
}
