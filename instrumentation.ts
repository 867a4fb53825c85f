/**
 * Runs once when the web server starts (Next's instrumentation hook): the
 * preparer starts on what a stop left undone (datasets whose preparation
 * was cut, runs whose pages are not ready), drops the partitions of deleted
 * datasets and runs, and stops with the server (a stop cancels the statement
 * under way instead of waiting for it).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.DATABASE_URL) return;
  const { getPool } = await import("./lib/db");
  const { resumePreparation } = await import("./lib/services/preparation");
  resumePreparation(getPool());
}
