import { spawnSync } from "node:child_process";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { loadFiles } from "../ingest/load";
import { SAMPLE, sampleFiles } from "../sample";
import { generateSample } from "../sample/generate";
import { runSegmentation } from "../services/segmentations";
import { getSegmentCountries } from "./segment-countries";
import { getSegmentDemographics } from "./segment-demographics";
import { DISTRIBUTION_MEASURES, getSegmentDistributions } from "./segment-distributions";
import { getSegmentTopProducts } from "./segment-top-products";
import { prepared } from "../../tests/support/reference-data";

/**
 * The segment page's queries (segment-demographics, -top-products, -countries,
 * -distributions) on the generated sample with its customers file and an RFM
 * run: psql gives what the app reads, and each figure agrees with a direct
 * computation (the sample generator's customers, sums over transaction_lines,
 * the members' own values).
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let datasetId: number;
let runId: number;
/** A second run with its own analysis date and cleaning rules. */
let datedRunId: number;

function psqlRows(file: string, id: number): string[][] {
  const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `run_id=${id}`, "-f", `lib/queries/sql/${file}.sql`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(run.error, "psql is needed: apt-get install -y postgresql-client").toBeUndefined();
  expect(run.stderr).toBe("");
  return run.stdout.trim().split("\n").map((line) => line.split("|"));
}
const cell = (v: string) => (v === "" ? null : Number(v));

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_segment_detail");
  pool = db.pool;
  const files = sampleFiles();
  ({ datasetId } = await loadFiles(pool, { mode: "create", name: SAMPLE.name }, [
    { fileName: SAMPLE.files.transactions, body: files.transactions, options: { kind: "transactions" } },
    { fileName: SAMPLE.files.customers, body: files.customers, options: { kind: "customers" } },
  ]));
  await prepared(pool, datasetId);
  runId = (await runSegmentation(pool, datasetId, { method: "rfm" })).id;
  datedRunId = (await runSegmentation(pool, datasetId, { method: "rfm", analysisDate: "2024-06-30", cleaning: ["noCustomer", "cancellation", "nonProduct"] })).id;
});
afterAll(async () => {
  await db.close();
});

async function members(run: number): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ customer_id: string; segment_no: number }>("select customer_id, segment_no from segment_members where run_id = $1", [run]);
  return new Map(rows.map((r) => [r.customer_id, r.segment_no]));
}

describe("segment-demographics.sql", () => {
  test("gives in psql what the app reads", async () => {
    const app = await getSegmentDemographics(pool, runId);
    const rows = psqlRows("segment-demographics", runId);
    expect(app.length).toBeGreaterThan(100);
    expect(rows.map((r) => [cell(r[0]!), r[1], r[2], Number(r[3]), Number(r[4]), Number(r[5]), Number(r[6])])).toEqual(
      app.map((d) => [d.segmentNo, d.dimension, d.value, d.customers, d.share, d.baseShare, d.lift]),
    );
  });

  test("counts each segment's customers per age band, gender, country and channel as the sample generated them", async () => {
    const sample = generateSample({ customers: SAMPLE.customers, seed: SAMPLE.seed });
    const segmentOf = await members(runId);
    const band = (age: number | null) =>
      age === null ? "Unknown" : age < 25 ? "Under 25" : age < 35 ? "25–34" : age < 45 ? "35–44" : age < 55 ? "45–54" : age < 65 ? "55–64" : "65 and over";
    const expected = new Map<string, number>();
    const add = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1);
    let inRun = 0;
    for (const c of sample.customers) {
      const no = segmentOf.get(c.id);
      if (no === undefined) continue;
      inRun++;
      for (const [dimension, value] of [["age_band", band(c.age)], ["gender", c.gender ?? "Unknown"], ["country", c.country], ["channel", c.channel]] as const) {
        add(`${no}|${dimension}|${value}`);
        add(`base|${dimension}|${value}`);
      }
    }
    expect(inRun).toBe(segmentOf.size); // every member is in the customers file
    const rows = await getSegmentDemographics(pool, runId);
    for (const r of rows) expect(r.customers, `${r.segmentNo} ${r.dimension} ${r.value}`).toBe(expected.get(`${r.segmentNo ?? "base"}|${r.dimension}|${r.value}`) ?? 0);
    // Every non-zero count appears, and shares add up to one per segment and dimension.
    expect(rows.filter((r) => r.customers > 0)).toHaveLength(expected.size);
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(`${r.segmentNo}|${r.dimension}`, (sums.get(`${r.segmentNo}|${r.dimension}`) ?? 0) + r.share);
    for (const [key, sum] of sums) expect(sum, key).toBeCloseTo(1, 2);
    const champions = rows.find((r) => r.segmentNo === 0 && r.dimension === "channel" && r.value === "app")!;
    expect(champions.lift).toBeCloseTo(champions.share / champions.baseShare, 1);
  });

  test("answers nothing for a dataset without a customers file", async () => {
    const { datasetId: bare } = await loadFiles(pool, { mode: "create", name: "no customers file" }, [
      { fileName: "t.csv", body: [`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n1,A1,Mug,2,2024-01-02 10:00,3.5,c1,France\n2,A1,Mug,1,2024-02-02 10:00,3.5,c2,France\n3,B2,Pen,5,2024-03-02 10:00,1,c1,France\n`], options: { kind: "transactions" } },
    ]);
    const bareRun = (await runSegmentation(pool, bare, { method: "rfm", bins: 2 })).id;
    expect(await getSegmentDemographics(pool, bareRun)).toEqual([]);
  });
});

describe("segment-top-products.sql", () => {
  test("gives in psql what the app reads", async () => {
    const app = await getSegmentTopProducts(pool, runId);
    const rows = psqlRows("segment-top-products", runId);
    expect(rows.map((r) => [cell(r[0]!), Number(r[1]), r[2], r[3] || null, Number(r[4]), Number(r[5]), Number(r[6]), cell(r[7]!), cell(r[8]!), cell(r[9]!), Number(r[10])])).toEqual(
      app.map((p) => [p.segmentNo, p.rank, p.stockCode, p.description, p.revenue, p.quantity, p.customers, p.share, p.baseShare, p.lift, p.segmentRevenue]),
    );
  });

  test("each segment's top ten equal a direct sum over its members' included lines", async () => {
    const app = await getSegmentTopProducts(pool, runId);
    // (the members in a subquery of their own, `offset 0`: on Citus the lines, distributed by invoice, join them
    // as a list sent to the workers; joined directly, Citus asks for repartitioning)
    const { rows } = await pool.query<{ segment_no: number; stock_code: string; revenue: string; quantity: string; customers: string }>(
      `select m.segment_no, l.stock_code, sum(l.quantity * l.unit_price) as revenue, sum(l.quantity) as quantity, count(distinct l.customer_id) as customers
       from transaction_lines l join (select customer_id, segment_no from segment_members where run_id = $2 offset 0) m on m.customer_id = l.customer_id
       where l.dataset_id = $1 and l.excluded & 63 = 0 and l.stock_code is not null
       group by 1, 2`,
      [datasetId, runId],
    );
    const segments = [...new Set(rows.map((r) => r.segment_no))];
    expect(segments.length).toBeGreaterThan(3);
    for (const no of segments) {
      const direct = rows
        .filter((r) => r.segment_no === no)
        .map((r) => ({ code: r.stock_code, revenue: Number(r.revenue), quantity: Number(r.quantity), customers: Number(r.customers) }))
        .sort((a, b) => b.revenue - a.revenue || (a.code < b.code ? -1 : 1));
      const total = direct.reduce((s, r) => s + r.revenue, 0);
      const top = app.filter((p) => p.segmentNo === no);
      expect(top.map((p) => [p.stockCode, p.revenue, p.quantity, p.customers])).toEqual(
        direct.slice(0, 10).map((d) => [d.code, Math.round(d.revenue * 100) / 100, d.quantity, d.customers]),
      );
      expect(top[0]!.segmentRevenue).toBeCloseTo(total, 2);
      expect(top[0]!.share).toBeCloseTo(direct[0]!.revenue / total, 4);
    }
  });

  test("follows the run's analysis date and cleaning rules", async () => {
    const app = await getSegmentTopProducts(pool, datedRunId);
    const mask = 1 | 2 | 8;
    const { rows } = await pool.query<{ stock_code: string; revenue: string }>(
      `select l.stock_code, sum(l.quantity * l.unit_price) as revenue
       from transaction_lines l join (select customer_id, segment_no from segment_members where run_id = $2 offset 0) m on m.customer_id = l.customer_id
       where l.dataset_id = $1 and l.excluded & $3 = 0 and l.stock_code is not null and l.invoice_date < date '2024-06-30' + 1
       group by 1 order by 2 desc, 1 limit 10`,
      [datasetId, datedRunId, mask],
    );
    expect(app.filter((p) => p.segmentNo === null).map((p) => [p.stockCode, p.revenue])).toEqual(rows.map((r) => [r.stock_code, Math.round(Number(r.revenue) * 100) / 100]));
  });

  test("names each product by the description its kept lines carry most often (of equally frequent ones, the first in order)", async () => {
    const lines = [
      "1,A1,Mug,2,2024-01-02 10:00,3.5,c1,France",
      "2,A1,Mug,1,2024-02-02 10:00,3.5,c2,France",
      "3,A1,MUG BIG,1,2024-02-03 10:00,3.5,c3,France",
      "C4,A1,Wrong,-1,2024-02-04 10:00,3.5,c1,France", // cancellations: not counted unless the run keeps them
      "C5,A1,Wrong,-1,2024-02-05 10:00,3.5,c2,France",
      "C6,A1,Wrong,-1,2024-02-06 10:00,3.5,c3,France",
      "7,B2,Pen b,5,2024-03-02 10:00,1,c1,France",
      "8,B2,Pen a,5,2024-03-03 10:00,1,c2,France",
      "9,C3,Cup new,1,2024-06-01 10:00,2,c1,France",
      "10,C3,Cup new,1,2024-06-02 10:00,2,c2,France",
      "11,C3,Cup old,1,2024-01-05 10:00,2,c3,France",
    ];
    const { datasetId: small } = await loadFiles(pool, { mode: "create", name: "descriptions" }, [
      { fileName: "d.csv", body: [`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n${lines.join("\n")}\n`], options: { kind: "transactions" } },
    ]);
    await prepared(pool, small);
    const described = async (options: Record<string, unknown>) => {
      const run = (await runSegmentation(pool, small, { method: "rfm", bins: 2, ...options })).id;
      const base = (await getSegmentTopProducts(pool, run)).filter((p) => p.segmentNo === null);
      return Object.fromEntries(base.map((p) => [p.stockCode, p.description]));
    };
    // At the defaults, from the preparation's product_descriptions.
    expect(await described({})).toEqual({ A1: "Mug", B2: "Pen a", C3: "Cup new" });
    // Otherwise counted over the lines the run reads: up to its date, under its rules.
    expect(await described({ analysisDate: "2024-03-31" })).toEqual({ A1: "Mug", B2: "Pen a", C3: "Cup old" });
    expect(await described({ cleaning: ["noCustomer", "adjustment", "nonProduct", "badPrice", "duplicate"] })).toEqual({ A1: "Wrong", B2: "Pen a", C3: "Cup new" });
  });
});

describe("segment-countries.sql", () => {
  test("gives in psql what the app reads", async () => {
    const app = await getSegmentCountries(pool, runId);
    const rows = psqlRows("segment-countries", runId);
    expect(rows.map((r) => [cell(r[0]!), Number(r[1]), r[2], Number(r[3]), Number(r[4]), Number(r[5]), cell(r[6]!), cell(r[7]!), cell(r[8]!)])).toEqual(
      app.map((c) => [c.segmentNo, c.rank, c.country, c.revenue, c.orders, c.customers, c.share, c.baseShare, c.lift]),
    );
  });

  test.each([
    ["at the defaults (saved by the preparation)", () => runId, 63, "2100-01-01"],
    ["with the run's date and rules (summed over the invoices)", () => datedRunId, 1 | 2 | 8, "2024-06-30"],
  ])("revenue, orders and customers per country equal the members' lines, and each segment's revenue its members' monetary, %s", async (_, run, mask, date) => {
    const app = await getSegmentCountries(pool, run());
    const { rows } = await pool.query<{ segment_no: number; country: string; revenue: string; orders: string; customers: string }>(
      `select m.segment_no, coalesce(nullif(btrim(l.country), ''), 'Unspecified') as country, sum(l.quantity * l.unit_price) as revenue,
              count(distinct l.invoice_no) as orders, count(distinct l.customer_id) as customers
       from transaction_lines l join (select customer_id, segment_no from segment_members where run_id = $2 offset 0) m on m.customer_id = l.customer_id
       where l.dataset_id = $1 and l.excluded & $3 = 0 and l.invoice_date < $4::date + 1
       group by 1, 2`,
      [datasetId, run(), mask, date],
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows) {
      const c = app.find((x) => x.segmentNo === r.segment_no && x.country === r.country)!;
      expect([c.revenue, c.orders, c.customers], `${r.segment_no} ${r.country}`).toEqual([Math.round(Number(r.revenue) * 100) / 100, Number(r.orders), Number(r.customers)]);
    }
    expect(app.filter((c) => c.segmentNo !== null)).toHaveLength(rows.length);
    const { rows: monetary } = await pool.query<{ segment_no: number; revenue: string }>("select segment_no, sum(monetary) as revenue from segment_members where run_id = $1 group by 1", [run()]);
    for (const m of monetary) {
      const sum = app.filter((c) => c.segmentNo === m.segment_no).reduce((s, c) => s + c.revenue, 0);
      expect(sum).toBeCloseTo(Number(m.revenue), 1);
    }
  });
});

describe("segment-distributions.sql", () => {
  test("gives in psql what the app reads", async () => {
    const app = await getSegmentDistributions(pool, runId);
    const rows = psqlRows("segment-distributions", runId);
    expect(rows.map((r) => [r[0], cell(r[1]!), Number(r[2]), Number(r[3]), cell(r[4]!), Number(r[5]), Number(r[6])])).toEqual(
      app.map((d) => [d.measure, d.segmentNo, d.bin, d.binFrom, d.binTo, d.customers, d.share]),
    );
  });

  test("puts each member in the bin whose edges hold its value, for every segment and the base, on the base's bins", async () => {
    const app = await getSegmentDistributions(pool, runId);
    const { rows: people } = await pool.query<Record<string, string | number | null>>(
      "select segment_no, recency_days, frequency, monetary, p_alive, clv from segment_members where run_id = $1",
      [runId],
    );
    expect(new Set(app.map((d) => d.measure))).toEqual(new Set(DISTRIBUTION_MEASURES));
    for (const measure of DISTRIBUTION_MEASURES) {
      const base = app.filter((d) => d.measure === measure && d.segmentNo === null);
      expect(base.map((b) => b.bin)).toEqual(base.map((_, i) => i));
      const groups = [null, ...new Set(people.map((p) => p.segment_no as number))];
      for (const group of groups) {
        const bins = app.filter((d) => d.measure === measure && d.segmentNo === group);
        expect(bins.map((b) => [b.binFrom, b.binTo]), `${measure} ${group}`).toEqual(base.map((b) => [b.binFrom, b.binTo]));
        const values = people.filter((p) => group === null || p.segment_no === group).map((p) => p[measure]).filter((v) => v !== null).map(Number);
        const counts = bins.map((b) => values.filter((v) => v >= b.binFrom && (b.binTo === null || v < b.binTo)).length);
        // The first bin also takes anything below it (none), the last closed bin of P(alive) takes 1.
        expect(bins.map((b) => b.customers), `${measure} ${group}`).toEqual(counts);
        expect(counts.reduce((s, n) => s + n, 0)).toBe(values.length);
        bins.forEach((b, i) => expect(b.share).toBeCloseTo(counts[i]! / values.length, 4));
      }
    }
    // Bins are round: a width of 1, 2, 2.5 or 5 times a power of ten.
    const monetary = app.filter((d) => d.measure === "monetary" && d.segmentNo === null);
    const width = monetary[0]!.binTo! - monetary[0]!.binFrom;
    expect(width / 10 ** Math.floor(Math.log10(width))).toSatisfy((m: number) => [1, 2, 2.5, 5].some((x) => Math.abs(m - x) < 1e-9));
  });
});
