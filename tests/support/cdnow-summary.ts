import fs from "node:fs";
import path from "node:path";
import type { RepeatSummary } from "../../lib/segmentation/clv";

/** lifetimes' load_cdnow_summary (cdnow_customers_summary.csv): 2,357 customers, frequency, recency and T in weeks. */
export function cdnowSummary(): RepeatSummary[] {
  const file = path.resolve("../shared/datasets/cdnow-lifetimes/cdnow_customers_summary.csv");
  const [, ...rows] = fs.readFileSync(file, "utf8").trim().split(/\r?\n/);
  return rows.map((row) => {
    const [, frequency, recency, T] = row.split(",").map(Number);
    return { frequency: frequency!, recency: recency!, T: T! };
  });
}
