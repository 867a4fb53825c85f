import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { DATASETS, prepared } from "../../tests/support/reference-data";
import { InputError } from "../errors";
import { loadFiles } from "../ingest/load";
import { sampleFiles } from "../sample";
import { savedAnswer } from "../queries/cache";
import { customerCrosstab } from "../queries/customer-column-stats";
import { rfmGridQuery } from "../queries/rfm-grid";
import { segmentColumnsQuery } from "../queries/segment-columns";
import { segmentOutcomesQuery } from "../queries/segment-outcomes";
import { adjustedRandIndex } from "../segmentation/compare";
import { defaultCrosstabQuery, getCustomerColumns, setCustomerColumnKind } from "./customer-columns";
import { preparerFor } from "./preparation";
import { runSegmentation } from "./segmentations";

/**
 * Customers files as the input of a segmentation (issue 15), on the public
 * files analysts know: Mall Customers (the classic k-means example), the
 * Customer Personality (iFood) data and Telco churn. Reference figures come
 * from the files themselves (read here with Python's csv module) and from
 * scikit-learn (Debian's python3-sklearn).
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
const ids: Record<"mall" | "ifood" | "telco" | "rfm", number> = { mall: 0, ifood: 0, telco: 0, rfm: 0 };

const load = async (file: string) =>
  prepared(pool, (await loadFiles(pool, { mode: "create", name: path.basename(file) }, [{ fileName: path.basename(file), body: fs.createReadStream(path.join(DATASETS, file)) }])).datasetId);

function python(script: string, input: unknown): Record<string, unknown> {
  const run = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(run.stderr, "scikit-learn is needed: apt-get install -y python3-sklearn").toBe("");
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_customer_columns");
  pool = db.pool;
  ids.mall = await load("mall-customers/Mall_Customers.csv");
  ids.ifood = await load("customer-personality/marketing_campaign.csv");
  ids.telco = await load("telco-churn/Telco-Customer-Churn.csv");
  ids.rfm = await load("rfm-r-package/rfm_data_customer.csv");
});
afterAll(async () => {
  await db.close();
});

const members = async (runId: number) =>
  (await pool.query<{ customer_id: string; segment_no: number }>("select customer_id, segment_no from segment_members where run_id = $1 order by customer_id collate \"C\"", [runId])).rows;

describe("a customers file's columns", () => {
  test("are named as in the header, with the kind their values suggest", async () => {
    const mall = (await getCustomerColumns(pool, ids.mall))!;
    expect(mall.map((c) => [c.name, c.kind, c.filled])).toEqual(
      expect.arrayContaining([
        ["Gender", "category", 200],
        ["Age", "number", 200],
        ["Annual Income (k$)", "number", 200],
        ["Spending Score (1-100)", "number", 200],
      ]),
    );
    const telco = new Map((await getCustomerColumns(pool, ids.telco))!.map((c) => [c.name, c]));
    expect(telco.get("Churn")).toMatchObject({ kind: "yes_no", filled: 7_043, topValues: ["No", "Yes"], topCounts: [5_174, 1_869] });
    expect(telco.get("SeniorCitizen")!.kind).toBe("yes_no");
    expect(telco.get("Contract")!.kind).toBe("category");
    // 11 customers have a blank TotalCharges (a space in the file): missing, not text.
    expect(telco.get("TotalCharges")).toMatchObject({ kind: "number", missing: 11 });
    const ifood = new Map((await getCustomerColumns(pool, ids.ifood))!.map((c) => [c.name, c]));
    expect(ifood.get("Education")!.kind).toBe("category");
    expect(ifood.get("MntWines")!.kind).toBe("number");
    expect(ifood.get("Response")!.kind).toBe("yes_no");
    expect(ifood.get("Dt_Customer")!.kind).toBe("date");
    expect(ifood.get("Age (from Year_Birth)")!.kind).toBe("number");
  });

  test("two of them against each other: Telco's contracts by churn, counted as the file counts them", async () => {
    const file = parse(fs.readFileSync(path.join(DATASETS, "telco-churn/Telco-Customer-Churn.csv")), { columns: true }) as Record<string, string>[];
    const cells = await customerCrosstab(pool, ids.telco, "Contract", "Churn");
    for (const contract of ["Month-to-month", "One year", "Two year"]) {
      const row = file.filter((r) => r.Contract === contract);
      const churned = row.filter((r) => r.Churn === "Yes").length;
      expect(cells.find((c) => c.xValue === contract && c.yValue === "Yes")).toMatchObject({ customers: churned });
      expect(cells.find((c) => c.xValue === contract && c.yValue === "Yes")!.rowShare).toBeCloseTo(churned / row.length, 12);
    }
    // Until the analyst picks a pair, the overview shows the one the preparation saved: the first category by the last yes/no column, in the file's order.
    const saved = (await savedAnswer(pool, { datasetId: ids.telco }, defaultCrosstabQuery(pool, ids.telco)))!;
    expect(saved).toMatchObject({ xKey: "gender", yKey: "Churn" });
    expect(saved.cells.reduce((s, c) => s + c.customers, 0)).toBe(7_043);
  });

  test("take another kind when the analyst says so, only one their values allow", async () => {
    const changed = await setCustomerColumnKind(pool, ids.ifood, "Kidhome", "category");
    expect(changed).toMatchObject({ name: "Kidhome", kind: "category", inferredKind: "number" });
    await expect(setCustomerColumnKind(pool, ids.ifood, "Education", "number")).rejects.toThrow(/cannot be number/);
    expect((await setCustomerColumnKind(pool, ids.ifood, "Kidhome", null)).kind).toBe("number");
  });
});

describe("k-means on a customers file alone", () => {
  test("the Mall Customers' three numbers: scikit-learn's KMeans on the same standardised matrix finds the same clusters", async () => {
    const features = ["Age", "Annual Income (k$)", "Spending Score (1-100)"];
    const run = await runSegmentation(pool, ids.mall, { method: "kmeans", k: 5, features, seed: 1 });
    expect(run).toMatchObject({ customers: 200, params: { features, purchases: false } });
    const labels = (await members(run.id)).sort((a, b) => Number(a.customer_id) - Number(b.customer_id)).map((m) => m.segment_no);
    // The matrix, built again in Python from the file: log1p for a non-negative column whose skewness (biased,
    // as scipy.stats.skew) is above 1, then z-scores with the population standard deviation.
    const reference = python(
      `
import csv, json, sys
import numpy as np
from scipy.stats import skew
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
d = json.load(sys.stdin)
rows = list(csv.DictReader(open(d["file"])))
X = np.array([[float(r[c]) for c in d["columns"]] for r in rows])
for j in range(X.shape[1]):
    if X[:, j].min() >= 0 and skew(X[:, j]) > 1: X[:, j] = np.log1p(X[:, j])
X = (X - X.mean(axis=0)) / X.std(axis=0)
best = KMeans(n_clusters=5, init="k-means++", n_init=50, random_state=0, algorithm="lloyd").fit(X)
ours = np.array(d["labels"])
centres = np.array([X[ours == c].mean(axis=0) for c in range(5)])
again = KMeans(n_clusters=5, init=centres, n_init=1, algorithm="lloyd").fit(X)
inertia = sum(((X[ours == c] - centres[c]) ** 2).sum() for c in range(5))
print(json.dumps({"ari_best": adjusted_rand_score(best.labels_, ours), "ari_again": adjusted_rand_score(again.labels_, ours),
                  "inertia_best": best.inertia_, "inertia_ours": inertia}))
`,
      { file: path.join(DATASETS, "mall-customers/Mall_Customers.csv"), columns: features, labels },
    );
    // Our clusters are a fixed point of scikit-learn's Lloyd iterations on the same matrix (same labels from our centres) ...
    expect(reference.ari_again).toBe(1);
    // ... and the best of scikit-learn's 50 k-means++ starts: the same clusters, the same inertia.
    expect(reference.ari_best).toBe(1);
    expect(reference.inertia_ours as number).toBeCloseTo(reference.inertia_best as number, 6);
    expect(run.segments.map((s) => s.name).every((n) => n.length > 0 && !/buyers|spenders/.test(n))).toBe(true);
    expect(adjustedRandIndex(labels.map(String), labels.map(String))).toBe(1);
  });

  test("categories are one-hot (Gender with the numbers), dates as days since; hierarchical works on them too", async () => {
    const mixed = await runSegmentation(pool, ids.mall, { method: "kmeans", k: 4, features: ["Gender", "Annual Income (k$)", "Spending Score (1-100)"] });
    expect(mixed.params.encodings).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "Gender", kind: "category", features: ["Gender: Female", "Gender: Male"], weight: 1 })]),
    );
    const ifood = await runSegmentation(pool, ids.ifood, {
      method: "hierarchical",
      k: 4,
      features: ["Income", "Total spend", "Education", "Dt_Customer", "Response"],
      totals: [{ name: "Total spend", sum: ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"] }],
    });
    // 24 customers have no income in the file: left out, and said.
    expect(ifood).toMatchObject({ customers: 2_240 - 24, params: { leftOut: [{ name: "Income", customers: 24 }] } });
    expect(ifood.params.encodings).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Dt_Customer", kind: "date", features: ["Days since Dt_Customer"], referenceDate: "2014-06-30" })]));
    // A total of the six spend columns is a feature like any column, and describes the segments as their sum.
    await preparerFor(pool).prepareRun(ifood.id);
    const described = (await savedAnswer(pool, { runId: ifood.id }, segmentColumnsQuery(pool, ifood.id)))!;
    const file = parse(fs.readFileSync(path.join(DATASETS, "customer-personality/marketing_campaign.csv")), { columns: true, delimiter: ";", bom: true }) as Record<string, string>[];
    const spend = (r: Record<string, string>) => ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"].reduce((t, k) => t + Number(r[k]), 0);
    const kept = file.filter((r) => (r.Income ?? "").trim() !== "");
    expect(described.find((r) => r.segmentNo === null && r.name === "Total spend")!.mean).toBeCloseTo(kept.reduce((t, r) => t + spend(r), 0) / kept.length, 9);
  });

  test("what cannot be segmented says why, naming the field", async () => {
    await expect(runSegmentation(pool, ids.mall, { method: "rfm" })).rejects.toThrow(/only a customers file/);
    await expect(runSegmentation(pool, ids.mall, { method: "kmeans", features: ["recencyDays", "Age"] })).rejects.toThrow(/Recency \(days\) come from purchases/);
    await expect(runSegmentation(pool, ids.mall, { method: "kmeans", features: ["Salary"] })).rejects.toThrow(/no column "Salary" \(its columns: "Gender", /);
    const error = await runSegmentation(pool, ids.telco, { method: "kmeans", features: ["tenure"], outcome: "MonthlyCharges" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ field: "outcome" });
  });
});

describe("purchases and a customers file in one dataset", () => {
  test("a run mixes purchase features with the file's columns, joined by customer id", async () => {
    const files = sampleFiles();
    const id = await prepared(
      pool,
      (await loadFiles(pool, { mode: "create", name: "sample with its customers" }, [
        { fileName: "transactions.csv", body: files.transactions },
        { fileName: "customers.csv", body: files.customers },
      ])).datasetId,
    );
    const run = await runSegmentation(pool, id, { method: "kmeans", k: 4, features: ["recencyDays", "monetary", "preferred_channel"] });
    const buyers = (await pool.query("select count(*)::int as n from customer_summaries where dataset_id = $1", [id])).rows[0].n as number;
    expect(run.params).toMatchObject({ purchases: true, features: ["recencyDays", "monetary", "preferred_channel"] });
    const channel = (run.params.encodings as { name: string; features: string[] }[]).find((e) => e.name === "preferred_channel")!;
    expect(channel.features.every((f) => f.startsWith("preferred_channel: "))).toBe(true);
    // Every buyer on file is segmented; a buyer missing from the customers file is left out and counted.
    const leftOut = ((run.params.leftOut as { customers: number }[] | undefined) ?? []).reduce((s, m) => s + m.customers, 0);
    expect(run.customers + leftOut).toBe(buyers);
    expect(run.segments.reduce((s, x) => s + x.revenue, 0)).toBeGreaterThan(0);
  });
});

describe("an outcome column per segment", () => {
  test("Telco: the churn rate of the whole base is the file's (1,869 of 7,043), each segment's with a Wilson interval and its lift", async () => {
    const run = await runSegmentation(pool, ids.telco, { method: "kmeans", k: 4, features: ["tenure", "MonthlyCharges", "Contract", "InternetService"], outcome: "Churn", seed: 2 });
    await preparerFor(pool).prepareRun(run.id);
    const rows = (await savedAnswer(pool, { runId: run.id }, segmentOutcomesQuery(pool, run.id)))!;
    const base = rows.find((r) => r.segmentNo === null && r.value === "yes")!;
    expect(base).toMatchObject({ customers: 1_869, known: 7_043, unknown: 0 });
    expect(base.rate).toBeCloseTo(1_869 / 7_043, 12);
    const segments = rows.filter((r) => r.segmentNo !== null && r.value === "yes");
    // Wilson's score intervals, from scipy (binomtest(k, n).proportion_ci(method="wilson")) for the base and every segment.
    const wilson = python(
      `
import json, sys
from scipy.stats import binomtest
d = json.load(sys.stdin)
print(json.dumps({"ci": [[c.low, c.high] for c in (binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson") for k, n in d["counts"])]}))
`,
      { counts: [base, ...segments].map((r) => [r.customers, r.known]) },
    ).ci as [number, number][];
    [base, ...segments].forEach((r, i) => {
      expect(r.rateLow).toBeCloseTo(wilson[i]![0], 12);
      expect(r.rateHigh).toBeCloseTo(wilson[i]![1], 12);
    });
    expect(segments).toHaveLength(run.segments.length);
    expect(segments.reduce((s, r) => s + r.customers, 0)).toBe(1_869);
    for (const r of segments) expect(r.lift).toBeCloseTo(r.rate / base.rate, 12);
    // Month-to-month customers on fibre churn most: some segment is well above the base.
    expect(Math.max(...segments.map((r) => r.lift!))).toBeGreaterThan(1.5);

    // Each segment described by the columns it was clustered on; the whole run's figures are the file's.
    const file = parse(fs.readFileSync(path.join(DATASETS, "telco-churn/Telco-Customer-Churn.csv")), { columns: true }) as Record<string, string>[];
    const described = (await savedAnswer(pool, { runId: run.id }, segmentColumnsQuery(pool, run.id)))!;
    const tenure = described.find((r) => r.segmentNo === null && r.name === "tenure")!;
    expect(tenure.mean).toBeCloseTo(file.reduce((s, r) => s + Number(r.tenure), 0) / file.length, 9);
    const monthly = described.find((r) => r.segmentNo === null && r.name === "Contract" && r.value === "Month-to-month")!;
    expect(monthly.customers).toBe(file.filter((r) => r.Contract === "Month-to-month").length);
    expect(described.filter((r) => r.segmentNo !== null && r.name === "tenure")).toHaveLength(run.segments.length);
  });
});

describe("RFM on a customers file alone", () => {
  test("R rfm's customer data: the package's 393,223 orders, and its custom thresholds applied as rfm_table_customer applies them", async () => {
    const summary = { recency: "recency_days", frequency: "number_of_orders", monetary: "revenue" };
    const run = await runSegmentation(pool, ids.rfm, { method: "rfm", summary });
    expect(run).toMatchObject({ customers: 39_999, params: { purchases: false, summary: { recency: "recency_days", frequency: ["number_of_orders"], monetary: ["revenue"] } } });
    // rfm's own test of rfm_table_customer (tests/testthat/test-rfm-table.R): the transaction counts sum to 393,223.
    expect(run.segments.reduce((s, x) => s + x.orders, 0)).toBe(393_223);
    const bins = { recency: [115, 181, 297, 482], frequency: [4, 5, 6, 8], monetary: [256, 382, 506, 666] };
    const custom = await runSegmentation(pool, ids.rfm, { method: "rfm", summary, bins });
    const { rows } = await pool.query<{ customer_id: string; recency_score: number; frequency_score: number; monetary_score: number }>(
      "select customer_id, recency_score, frequency_score, monetary_score from segment_members where run_id = $1",
      [custom.id],
    );
    // The file read with csv-parse; each score is 1 + the thresholds at or below the value (recency reversed).
    const file = parse(fs.readFileSync(path.join(DATASETS, "rfm-r-package/rfm_data_customer.csv")), { columns: true }) as Record<string, string>[];
    const byId = new Map(file.map((r) => [r.customer_id, r]));
    const score = (value: number, thresholds: number[]) => 1 + thresholds.filter((t) => t <= value).length;
    for (const m of rows) {
      const r = byId.get(m.customer_id)!;
      expect([m.recency_score, m.frequency_score, m.monetary_score]).toEqual([6 - score(Number(r.recency_days), bins.recency), score(Number(r.number_of_orders), bins.frequency), score(Number(r.revenue), bins.monetary)]);
    }
  });

  test("iFood: days since the last purchase, three purchase counts and six spend columns summed; the standard segments and the grid", async () => {
    const summary = {
      recency: "Recency",
      frequency: ["NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases"],
      monetary: ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"],
    };
    const run = await runSegmentation(pool, ids.ifood, { method: "rfm", summary, outcome: "Response" });
    const file = parse(fs.readFileSync(path.join(DATASETS, "customer-personality/marketing_campaign.csv")), { columns: true, delimiter: ";", bom: true }) as Record<string, string>[];
    const sum = (keys: string[]) => file.reduce((s, r) => s + keys.reduce((t, k) => t + Number(r[k]), 0), 0);
    expect(run.customers).toBe(2_240);
    expect(run.segments.reduce((s, x) => s + x.orders, 0)).toBe(sum(summary.frequency));
    expect(run.segments.reduce((s, x) => s + x.revenue, 0)).toBeCloseTo(sum(summary.monetary), 2);
    expect(run.segments.map((s) => s.name)).toContain("Champions");
    await preparerFor(pool).prepareRun(run.id);
    const grid = (await savedAnswer(pool, { runId: run.id }, rfmGridQuery(pool, run.id)))!;
    expect(grid.reduce((s, c) => s + c.customers, 0)).toBe(2_240);
    await expect(runSegmentation(pool, ids.ifood, { method: "rfm", summary: { ...summary, recency: "Education" } })).rejects.toThrow(/"Education" is category: recency is days/);
  });
});
