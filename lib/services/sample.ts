import type pg from "pg";
import { loadFiles } from "../ingest/load";
import { anyDataset, saveSettingOnce, settingExists, withAdvisoryLock } from "../queries/app-settings";
import { SAMPLE, sampleFiles } from "../sample";
import { ADVISORY_LOCKS } from "../db/advisory-locks";

const SETTING = "sample_dataset";

/**
 * Loads the sample dataset into an empty database, once. A database that ever
 * had the sample, or that holds datasets of its own, is left as it is, so a
 * restart never reloads it and a deleted sample stays deleted.
 */
export async function ensureSampleDataset(pool: pg.Pool, log: (line: string) => void = () => {}): Promise<number | null> {
  return withAdvisoryLock(pool, ADVISORY_LOCKS.sample, async (client) => {
    if (await settingExists(client, SETTING)) return null;
    if (await anyDataset(client)) {
      await saveSettingOnce(client, SETTING, { skipped: "the database already held datasets" });
      return null;
    }
    // Said before the load, so a start that stops here (a lock it waits for, a slow cluster) shows where in its log.
    log("loading the sample dataset…");
    const started = Date.now();
    const files = sampleFiles();
    const result = await loadFiles(pool, { mode: "create", name: SAMPLE.name, description: SAMPLE.description, isSample: true }, [
      { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
      { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
    ]);
    const lines = result.imports.find((i) => i.kind === "transactions")?.rowsLoaded ?? 0;
    log(`loaded the sample dataset (${lines.toLocaleString("en")} lines) in ${Date.now() - started} ms`);
    await saveSettingOnce(client, SETTING, { datasetId: result.datasetId, loadedAt: new Date().toISOString() });
    return result.datasetId;
  });
}
