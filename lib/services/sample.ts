import type pg from "pg";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";

const SETTING = "sample_dataset";
const LOCK_KEY = 72707370;

/**
 * Loads the sample dataset into an empty database, once. A database that ever
 * had the sample, or that holds datasets of its own, is left as it is, so a
 * restart never reloads it and a deleted sample stays deleted.
 */
export async function ensureSampleDataset(pool: pg.Pool, log: (line: string) => void = () => {}): Promise<number | null> {
  const lock = await pool.connect();
  try {
    await lock.query("select pg_advisory_lock($1)", [LOCK_KEY]);
    const seen = await lock.query("select 1 from app_settings where key = $1", [SETTING]);
    if (seen.rowCount) return null;
    const existing = await lock.query("select 1 from datasets limit 1");
    if (!existing.rowCount) {
      const started = Date.now();
      const files = sampleFiles();
      const result = await loadFiles(pool, { mode: "create", name: SAMPLE.name, description: SAMPLE.description, isSample: true }, [
        { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
        { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
      ]);
      const lines = result.imports.find((i) => i.kind === "transactions")?.rowsLoaded ?? 0;
      log(`loaded the sample dataset (${lines.toLocaleString("en")} lines) in ${Date.now() - started} ms`);
      await lock.query(
        `insert into app_settings (key, value) values ($1, $2) on conflict (key) do nothing`,
        [SETTING, JSON.stringify({ datasetId: result.datasetId, loadedAt: new Date().toISOString() })],
      );
      return result.datasetId;
    }
    await lock.query(`insert into app_settings (key, value) values ($1, $2) on conflict (key) do nothing`, [
      SETTING,
      JSON.stringify({ skipped: "the database already held datasets" }),
    ]);
    return null;
  } finally {
    await lock.query("select pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    lock.release();
  }
}
