import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { loadFiles } from "../../lib/ingest/load";
import { preparerFor } from "../../lib/services/preparation";

/** The reference data sets in ../shared/datasets, in the forms the tests load them. */
export const DATASETS = path.resolve("../shared/datasets");

/**
 * CDNOW as lifetimes ships it (whitespace-separated master id, customer id,
 * YYYYMMDD date, CDs, dollars), as a purchases CSV: customer, date, amount.
 */
export function cdnowPurchasesCsv(): string {
  const lines = fs.readFileSync(path.join(DATASETS, "cdnow-lifetimes/CDNOW_sample.txt"), "utf8").trim().split(/\r?\n/);
  const rows = lines.map((line) => {
    const [, customer, d, , dollars] = line.trim().split(/\s+/);
    return `${Number(customer)},${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)},${dollars}`;
  });
  return `customer_id,date,amount\n${rows.join("\n")}\n`;
}

/** Loads the rfm package's demo orders (one purchase per row) through the real loader and prepares them; returns the dataset id. */
export async function loadRfmOrders(pool: pg.Pool, name = "rfm orders"): Promise<number> {
  const file = path.join(DATASETS, "rfm-r-package/rfm_data_orders.csv");
  return prepared(pool, (await loadFiles(pool, { mode: "create", name }, [{ fileName: "rfm_data_orders.csv", body: fs.createReadStream(file) }])).datasetId);
}

/** Loads CDNOW (as customer, date, amount) through the real loader and prepares it; returns the dataset id. */
export async function loadCdnow(pool: pg.Pool): Promise<number> {
  return prepared(pool, (await loadFiles(pool, { mode: "create", name: "CDNOW" }, [{ fileName: "cdnow.csv", body: [cdnowPurchasesCsv()] }])).datasetId);
}

/** Runs a dataset's preparation (its summaries and every answer its pages read), as the upload routes set it going; returns its id. */
export async function prepared(pool: pg.Pool, datasetId: number): Promise<number> {
  await preparerFor(pool).prepareDataset(datasetId);
  return datasetId;
}
