import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { DATASETS, loadCdnow, loadRfmOrders } from "../../tests/support/reference-data";
import { fitBgNbd, fitGammaGamma } from "../segmentation/clv";
import { assignSegments, RFM_PACKAGE_RULES, rfmScores, summariseSegments } from "../segmentation/rfm";
import { getCustomerFeatures } from "./customer-features";
import { getRepeatSummaries } from "./repeat-summary";

/**
 * The SQL that feeds the segmentation math, on the reference data sets loaded
 * through the real upload path: the numbers must come out as R's rfm package
 * and Python's lifetimes give them, and each file must give the app's numbers
 * when run as it is in psql.
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let rfmOrders: number;
let cdnow: number;

/** Runs a query file in psql as a user would, returning its rows as text. */
function psqlRows(file: string, datasetId: number): string[][] {
  const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `dataset_id=${datasetId}`, "-f", `lib/queries/sql/${file}.sql`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(run.error, "psql is needed: apt-get install -y postgresql-client").toBeUndefined();
  expect(run.stderr).toBe("");
  return run.stdout.trim().split("\n").map((line) => line.split("|"));
}

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_inputs");
  pool = db.pool;
  rfmOrders = await loadRfmOrders(pool);
  cdnow = await loadCdnow(pool);
});
afterAll(async () => {
  await db.close();
});

describe("customer-features.sql", () => {
  test("on the rfm package's orders, feeds RFM to the package's numbers: Aden Murphy 544, Champions 158 / 1,234 / 120,178", async () => {
    const features = await getCustomerFeatures(pool, rfmOrders, { analysisDate: "2006-12-31", rulesMask: 0 });
    expect(features).toHaveLength(995);
    expect(features.reduce((s, f) => s + f.frequency, 0)).toBe(4_906);
    const scored = rfmScores(features);
    expect(scored.customers.find((c) => c.customerId === "Aden Murphy")).toMatchObject({ recencyDays: 98, frequency: 7, monetary: 596, rfmScore: 544 });
    const champions = summariseSegments(features, assignSegments(scored.customers, RFM_PACKAGE_RULES)).find((s) => s.name === "Champions");
    expect(champions).toMatchObject({ customers: 158, orders: 1_234, revenue: 120_178 });
  });

  test("gives in psql exactly what the app reads (defaults: day after the last invoice, every rule)", async () => {
    const app = await getCustomerFeatures(pool, rfmOrders);
    const rows = psqlRows("customer-features", rfmOrders);
    expect(rows).toHaveLength(app.length);
    rows.forEach((row, i) => {
      const f = app[i]!;
      expect([row[0], Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4]), Number(row[5]), Number(row[6])]).toEqual([
        f.customerId, f.recencyDays, f.frequency, f.monetary, f.averageOrderValue, f.tenureDays, f.products,
      ]);
    });
  });
});

describe("repeat-summary.sql", () => {
  test("on CDNOW equals lifetimes' cdnow_customers_summary for all 2,357 customers, and BG/NBD and Gamma-Gamma fit to the published values", async () => {
    const summaries = await getRepeatSummaries(pool, cdnow, { analysisDate: "1997-09-30", rulesMask: 0, unit: "weeks" });
    const [, ...expected] = fs.readFileSync(path.join(DATASETS, "cdnow-lifetimes/cdnow_customers_summary.csv"), "utf8").trim().split(/\r?\n/);
    const byId = new Map(summaries.map((s) => [s.customerId, s]));
    expect(summaries).toHaveLength(2_357);
    for (const line of expected) {
      const [id, frequency, recency, T] = line.split(",");
      const s = byId.get(id!)!;
      expect([s.frequency, s.recency.toFixed(2), s.T.toFixed(2)]).toEqual([Number(frequency), Number(recency).toFixed(2), Number(T).toFixed(2)]);
    }
    const bg = fitBgNbd(summaries).params;
    expect([bg.r, bg.alpha, bg.a, bg.b].map((v) => v.toFixed(3))).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    const gg = fitGammaGamma(summaries).params;
    expect([gg.p, gg.q, gg.v].map((v) => v.toFixed(2))).toEqual(["6.25", "3.74", "15.44"]);
  });

  test("gives in psql exactly what the app reads", async () => {
    const app = await getRepeatSummaries(pool, cdnow, { unit: "days" });
    const rows = psqlRows("repeat-summary", cdnow);
    expect(rows.map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4])])).toEqual(
      app.map((s) => [s.customerId, s.frequency, s.recency, s.T, s.monetary]),
    );
  });
});
