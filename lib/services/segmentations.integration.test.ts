import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ZodError } from "zod";
import { migratedDatabase } from "../../tests/support/databases";
import { DATASETS, loadCdnow, loadRfmOrders, prepared } from "../../tests/support/reference-data";
import { InputError, NotFoundError } from "../errors";
import { errorResponse } from "../http/responses";
import { loadFiles } from "../ingest/load";
import { fitLifetimeValue } from "./clv";
import { deleteDataset } from "./datasets";
import { ensureSampleDataset } from "./sample";
import { MEMBER_CSV_COLUMNS, membersCsv } from "../queries/runs";
import { compareRuns, getSegmentation, listMembers, runSegmentation } from "./segmentations";
import { RFM_PACKAGE_RULES } from "../segmentation/rfm";

let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let orders: number;
let sample: number;
let cdnow: number;

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_runs");
  pool = db.pool;
  sample = await prepared(pool, (await ensureSampleDataset(pool))!); // first: it loads only into an empty database
  orders = await loadRfmOrders(pool);
  cdnow = await loadCdnow(pool);
});
afterAll(async () => {
  await db.close();
});

describe("RFM runs", () => {
  test("are saved with the package's segment numbers, every customer's scores, and the rule report", async () => {
    const run = await runSegmentation(pool, orders, { method: "rfm", analysisDate: "2006-12-31", cleaning: [], rules: RFM_PACKAGE_RULES });
    expect(run).toMatchObject({ method: "rfm", customers: 995, params: { analysisDate: "2006-12-31", cleaning: [], bins: { recency: 5, frequency: 5, monetary: 5 } } });
    expect(run.segments.find((s) => s.name === "Champions")).toMatchObject({ customers: 158, orders: 1_234, revenue: 120_178 });
    expect(run.segments.reduce((s, x) => s + x.customers, 0)).toBe(995);
    expect(run.segments.reduce((s, x) => s + x.customerShare, 0)).toBeCloseTo(1, 10);
    expect(run.metrics).toHaveProperty("rules.unreachable");

    const aden = await listMembers(pool, run.id, { segment: "Champions", page: 1, pageSize: 1000 });
    expect(aden!.total).toBe(158);
    expect(aden!.members.find((m) => m.customerId === "Aden Murphy")).toEqual({ customerId: "Aden Murphy", segment: "Champions", recencyScore: 5, frequencyScore: 4, monetaryScore: 4 });
    const page2 = await listMembers(pool, run.id, { page: 2, pageSize: 100 });
    expect(page2).toMatchObject({ total: 995, page: 2 });
    expect(page2!.members).toHaveLength(100);
    expect(await getSegmentation(pool, run.id)).toEqual(run);
  });

  test("default: the standard segments and every cleaning rule", async () => {
    const run = await runSegmentation(pool, sample, { method: "rfm" });
    expect(run.segments.map((s) => s.name)).toContain("Champions");
    expect(run.params.cleaning).toEqual(["noCustomer", "cancellation", "adjustment", "nonProduct", "badPrice", "duplicate"]);
  });
});

describe("k-means runs", () => {
  test("with k = auto on the sample shop find between 3 and 8 named clusters, the same for the same seed", async () => {
    const a = await runSegmentation(pool, sample, { method: "kmeans", k: "auto", seed: 4 });
    const b = await runSegmentation(pool, sample, { method: "kmeans", k: "auto", seed: 4 });
    expect(a.segments.length).toBeGreaterThanOrEqual(3);
    expect(a.segments.length).toBeLessThanOrEqual(8);
    expect(a.segments.every((s) => s.name.length > 0 && s.customers > 0)).toBe(true);
    expect((a.metrics as { candidates: unknown[] }).candidates).toHaveLength(6);
    expect(b.segments).toEqual(a.segments);
    const members = (run: number) => pool.query("select customer_id, segment_no from segment_members where run_id = $1 order by customer_id", [run]);
    expect((await members(b.id)).rows).toEqual((await members(a.id)).rows);
  });
});

describe("hierarchical runs", () => {
  test("cut the Ward tree at k, and keep the dendrogram with the run", async () => {
    const run = await runSegmentation(pool, sample, { method: "hierarchical", k: 4 });
    expect(run.segments).toHaveLength(4);
    expect(run.segments.reduce((s, x) => s + x.customers, 0)).toBe(run.customers);
    const dendrogram = (run.metrics as { dendrogram: { leaves: number; merges: unknown[] } }).dendrogram;
    expect(dendrogram.merges).toHaveLength(dendrogram.leaves - 1);
    expect(await runSegmentation(pool, sample, { method: "hierarchical", k: "auto" }).catch((e: unknown) => e)).toBeInstanceOf(InputError);
  });
});

describe("bad parameters are refused with the field named", () => {
  test.each([
    [{ method: "pca" }, "method"],
    [{ method: "rfm", bins: 1 }, "bins"],
    [{ method: "rfm", analysisDate: "31/12/2006" }, "analysisDate"],
    [{ method: "rfm", rules: [{ name: "x", recency: [4, 2], frequency: [1, 5], monetary: [1, 5] }] }, "rules.0.recency"],
    [{ method: "kmeans", k: 1 }, "k"],
    [{ method: "kmeans", features: ["shoeSize"] }, "features.0"],
  ])("%j → 422 naming %s", async (input, field) => {
    const error = await runSegmentation(pool, sample, input).catch((e: unknown) => e);
    // A feature is a purchase feature or a customers-file column (issue 15): a name neither is refused once the file's columns are read.
    expect(error).toBeInstanceOf(field.startsWith("features") ? InputError : ZodError);
    const response = errorResponse(error);
    expect(response.status).toBe(422);
    expect((await response.json()).error).toMatchObject({ code: "invalid_parameter", field });
  });

  test("explicit breakpoints that do not increase, and features the data lack", async () => {
    const bins = await runSegmentation(pool, orders, { method: "rfm", bins: { monetary: [500, 100] } }).catch((e: unknown) => e);
    expect((await errorResponse(bins).json()).error).toMatchObject({ field: "monetaryBins" });
    const age = await runSegmentation(pool, orders, { method: "kmeans", features: ["age"] }).catch((e: unknown) => e);
    expect(age).toBeInstanceOf(InputError);
    expect((await errorResponse(age).json()).error.message).toMatch(/age needs a customers file/);
  });

  test("an unknown dataset is a 404, an analysis date before any purchase a clear 422", async () => {
    expect(await runSegmentation(pool, 999_999, { method: "rfm" }).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    const early = await runSegmentation(pool, orders, { method: "rfm", analysisDate: "1990-01-01" }).catch((e: unknown) => e);
    expect((await errorResponse(early).json()).error).toMatchObject({ code: "no_customers", field: "analysisDate" });
  });
});

describe("lifetime value", () => {
  test("on CDNOW gives Fader-Hardie-Lee's BG/NBD and lifetimes' Gamma-Gamma parameters, and totals", async () => {
    const clv = await fitLifetimeValue(pool, cdnow, { analysisDate: "1997-09-30", unit: "weeks", cleaning: [] });
    expect([clv.bgnbd.r, clv.bgnbd.alpha, clv.bgnbd.a, clv.bgnbd.b].map((v) => v.toFixed(3))).toEqual(["0.243", "4.414", "0.793", "2.426"]);
    expect([clv.gammaGamma!.p, clv.gammaGamma!.q, clv.gammaGamma!.v].map((v) => v.toFixed(2))).toEqual(["6.25", "3.74", "15.44"]);
    const summary = fs.readFileSync(path.join(DATASETS, "cdnow-lifetimes/cdnow_customers_summary.csv"), "utf8").trim().split(/\r?\n/).slice(1);
    const repeat = summary.filter((line) => Number(line.split(",")[1]) > 0).length;
    expect(clv).toMatchObject({ customers: summary.length, repeatCustomers: repeat });
    expect(clv.lifetimeValue).toBeGreaterThan(0);
    expect(clv.atRisk.customers).toBeGreaterThan(0);
  });
});

describe("comparing runs, exporting members, risk per segment", () => {
  test("a run compared with itself has an adjusted Rand index of 1; RFM against k-means is a real crosstab", async () => {
    const rfm = await runSegmentation(pool, sample, { method: "rfm" });
    const km = await runSegmentation(pool, sample, { method: "kmeans", k: 4 });
    expect((await compareRuns(pool, rfm.id, rfm.id)).adjustedRandIndex).toBe(1);
    const cmp = await compareRuns(pool, rfm.id, km.id);
    expect(cmp.customers).toBe(rfm.customers);
    expect(cmp.crosstab.counts.flat().reduce((s, v) => s + v, 0)).toBe(rfm.customers);
    expect(cmp.adjustedRandIndex).toBeGreaterThan(-1);
    expect(cmp.adjustedRandIndex).toBeLessThan(1);
    expect(await compareRuns(pool, rfm.id, 999_999).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
  });

  test("the members CSV has every member once, and neutralises cells a spreadsheet would run", async () => {
    const tricky = (await loadFiles(pool, { mode: "create", name: "tricky" }, [
      { fileName: "t.csv", body: ["customer_id,order_date,revenue\n=HYPERLINK(\"x\"),2011-01-01,5\n@SUM(1),2011-01-02,6\n-3,2011-01-03,7\nplain,2011-01-04,8\n+1,2011-01-05,9\nok,2011-01-06,10\n"] },
    ])).datasetId;
    const run = await runSegmentation(pool, tricky, { method: "rfm", bins: 2, cleaning: [] });
    const read = async (segment?: string) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of membersCsv(pool, run.id, segment)) chunks.push(chunk);
      return Buffer.concat(chunks).toString("utf8");
    };
    const csv = await read();
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("customer_id,segment,recency_score,frequency_score,monetary_score,recency_days,frequency,monetary,average_order_value,tenure_days,products,return_rate,p_alive,expected_purchases,clv");
    // The figures are numbers as segmented: "plain" bought once, for 8, three days before the analysis date (2011-01-07).
    const plain = lines.find((l) => l.startsWith("plain,"))!.split(",");
    expect([plain[5], plain[6], plain[7], plain[8]]).toEqual(["3", "1", "8", "8"]);
    expect(lines).toHaveLength(7);
    const ids = lines.slice(1).map((l) => l.split(",")[0]);
    expect(ids).toContain('"\'=HYPERLINK(""x"")"');
    expect(ids).toEqual(expect.arrayContaining(["'@SUM(1)", "'-3", "'+1", "plain", "ok"]));
    // Every figure as segment_members holds it (decimals without trailing zeros), each member once, in id order.
    const { rows } = await pool.query<Record<string, string | number | null>>(
      `select m.*, s.name as segment from segment_members m join segments s using (run_id, segment_no) where run_id = $1 order by customer_id`,
      [run.id],
    );
    expect(lines.slice(1).map((l) => l.split(",").slice(2).join(","))).toEqual(
      rows.map((r) => MEMBER_CSV_COLUMNS.slice(2).map((c) => (r[c] === null ? "" : String(Number(r[c])))).join(",")),
    );
    // One segment's, by name (quoted as a literal: a name with a quote is no injection).
    const segment = String(rows[0]!.segment);
    const one = (await read(segment)).trim().split("\n");
    expect(one.slice(1)).toEqual(lines.slice(1).filter((l) => l.split(",")[1] === segment));
    expect((await read("x' or '1'='1")).trim().split("\n")).toHaveLength(1);
  });

  test("lifetime value per segment: customers at risk and the revenue they brought", async () => {
    const rfm = await runSegmentation(pool, sample, { method: "rfm" });
    const clv = await fitLifetimeValue(pool, sample, { segmentationId: rfm.id });
    const segments = clv.segments!;
    expect(segments.reduce((s, x) => s + x.customers, 0)).toBe(clv.customers);
    expect(segments.reduce((s, x) => s + x.atRiskCustomers, 0)).toBe(clv.atRisk.customers);
    const lost = segments.filter((s) => /Hibernating|At Risk|Lost/.test(s.segment));
    const best = segments.find((s) => s.segment === "Champions")!;
    // Champions buy recently and often: a smaller share of them is at risk than of the hibernating.
    const share = (s: { atRiskCustomers: number; customers: number }) => s.atRiskCustomers / s.customers;
    expect(share(best)).toBeLessThan(Math.max(...lost.map(share)));
    expect(await fitLifetimeValue(pool, orders, { segmentationId: rfm.id }).catch((e: unknown) => e)).toBeInstanceOf(InputError);
  });
});

test("deleting a dataset deletes its runs and their memberships", async () => {
  const extra = await loadRfmOrders(pool, "temp");
  const run = await runSegmentation(pool, extra, { method: "rfm" });
  await deleteDataset(pool, extra);
  const left = await pool.query("select (select count(*) from segment_members where run_id = $1)::int as members, (select count(*) from segmentation_runs where id = $1)::int as runs", [run.id]);
  expect(left.rows[0]).toEqual({ members: 0, runs: 0 });
});
