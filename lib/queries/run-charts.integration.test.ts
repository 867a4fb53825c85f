import { spawnSync } from "node:child_process";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { migratedDatabase } from "../../tests/support/databases";
import { generateSample } from "../sample/generate";
import { SAMPLE } from "../sample";
import { rfmScores } from "../segmentation/rfm";
import { projectClusterPoints, standardisePoint } from "../services/cluster-projection";
import { ensureSampleDataset } from "../services/sample";
import { runSegmentation, type RunDetail } from "../services/segmentations";
import { getClusterPoints } from "./cluster-points";
import { getCustomerFeatures } from "./customer-features";
import { getRfmGrid } from "./rfm-grid";
import { getSegmentableCustomers } from "./segmentable-customers";
import { getSegmentationRuns } from "./segmentation-runs";
import { prepared } from "../../tests/support/reference-data";
import { preparerFor } from "../services/preparation";

/**
 * The queries behind the run pages and the segmentations list, on the sample
 * shop loaded through the real upload path: each file gives in psql exactly
 * what the app reads, and its figures agree with independent computations
 * (the lines themselves, the RFM math on the features, the generator's data).
 */
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let pool: pg.Pool;
let sample: number;
let rfm: RunDetail;
let kmeans: RunDetail;

/** Runs a query file in psql as a user would, with its one variable, returning rows as text. */
function psqlRows(file: string, variable: "dataset_id" | "run_id", id: number): string[][] {
  const run = spawnSync("psql", [db.url, "-X", "-A", "-t", "-F", "|", "-v", `${variable}=${id}`, "-f", `lib/queries/sql/${file}.sql`], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(run.error, "psql is needed: apt-get install -y postgresql-client").toBeUndefined();
  expect(run.stderr).toBe("");
  const out = run.stdout.trim();
  return out ? out.split("\n").map((line) => line.split("|")) : [];
}

const nullable = (v: string) => (v === "" ? null : Number(v));

beforeAll(async () => {
  db = await migratedDatabase(inject("adminUrl"), "segmenta_run_charts");
  pool = db.pool;
  sample = await prepared(pool, (await ensureSampleDataset(pool))!);
  rfm = await runSegmentation(pool, sample, { method: "rfm" });
  kmeans = await runSegmentation(pool, sample, { method: "kmeans", k: 4, features: ["recencyDays", "frequency", "monetary", "tenureDays"], seed: 3 });
  await Promise.all([preparerFor(pool).prepareRun(rfm.id), preparerFor(pool).prepareRun(kmeans.id)]);
});
afterAll(async () => {
  await db?.close();
});

describe("rfm-grid.sql", () => {
  test("gives in psql exactly what the app reads", async () => {
    const app = await getRfmGrid(pool, rfm.id);
    const rows = psqlRows("rfm-grid", "run_id", rfm.id);
    expect(rows).toHaveLength(app.length);
    rows.forEach((row, i) => {
      const c = app[i]!;
      expect([Number(row[0]), Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4]), nullable(row[5]!), nullable(row[6]!), row[7] || null, nullable(row[8]!)]).toEqual([
        c.recencyScore, c.frequencyScore, c.customers, c.customerShare, c.revenue, c.meanMonetary, c.meanRecencyDays, c.topSegment, c.topSegmentCustomers,
      ]);
    });
  });

  test("has every score pair once, and its counts add up to the run's customers", async () => {
    const grid = await getRfmGrid(pool, rfm.id);
    expect(grid).toHaveLength(25);
    expect(new Set(grid.map((c) => `${c.recencyScore}${c.frequencyScore}`)).size).toBe(25);
    expect(grid.reduce((s, c) => s + c.customers, 0)).toBe(rfm.customers);
    expect(grid.reduce((s, c) => s + c.customerShare, 0)).toBeCloseTo(1, 2);
    expect(grid.reduce((s, c) => s + c.revenue, 0)).toBeCloseTo(rfm.segments.reduce((s, x) => s + x.revenue, 0), 2);
    // Top: the most recent customers (R 5), first column F 1.
    expect([grid[0]!.recencyScore, grid[0]!.frequencyScore]).toEqual([5, 1]);
  });

  test("counts and mean spend per cell equal the RFM math on the features and the spend summed from the lines", async () => {
    const features = await getCustomerFeatures(pool, sample);
    const scored = rfmScores(features).customers;
    // Spend per customer straight from transaction_lines (not invoice_totals, not segment_members), default cleaning.
    const { rows } = await pool.query<{ customer_id: string; spend: string }>(
      `select customer_id, sum(quantity * unit_price) as spend from transaction_lines
       where dataset_id = $1 and customer_id is not null and excluded & 63 = 0 group by customer_id`,
      [sample],
    );
    const spend = new Map(rows.map((r) => [r.customer_id, Number(r.spend)]));
    const cells = new Map<string, { n: number; total: number }>();
    for (const c of scored) {
      const key = `${c.recencyScore}:${c.frequencyScore}`;
      const cell = cells.get(key) ?? { n: 0, total: 0 };
      cell.n++;
      cell.total += spend.get(c.customerId)!;
      cells.set(key, cell);
    }
    const grid = await getRfmGrid(pool, rfm.id);
    for (const c of grid) {
      const expected = cells.get(`${c.recencyScore}:${c.frequencyScore}`);
      expect(c.customers).toBe(expected?.n ?? 0);
      if (expected) expect(c.meanMonetary).toBeCloseTo(expected.total / expected.n, 2);
      else expect(c.meanMonetary).toBeNull();
    }
  });

  test("is empty for a clustering run, and saved with the run", async () => {
    expect(await getRfmGrid(pool, kmeans.id)).toEqual([]);
    const saved = await pool.query("select 1 from query_results where scope = $1 and name = 'rfm-grid'", [`run:${rfm.id}`]);
    expect(saved.rowCount).toBe(1);
  });
});

describe("cluster-points.sql", () => {
  test("gives in psql exactly what the app reads", async () => {
    const app = await getClusterPoints(pool, kmeans.id);
    const rows = psqlRows("cluster-points", "run_id", kmeans.id);
    expect(rows).toHaveLength(app.length);
    rows.forEach((row, i) => {
      const p = app[i]!;
      expect([row[0], Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4]), Number(row[5]), Number(row[6]), Number(row[7]), nullable(row[8]!), nullable(row[9]!)]).toEqual([
        p.customerId, p.segmentNo, p.recencyDays, p.frequency, p.monetary, p.averageOrderValue, p.tenureDays, p.products, p.returnRate, p.age,
      ]);
    });
  });

  test("below 3,000 customers gives every customer with the features they were clustered on, and their age from the customers file", async () => {
    const points = await getClusterPoints(pool, kmeans.id);
    expect(points).toHaveLength(kmeans.customers);
    const features = new Map((await getCustomerFeatures(pool, sample)).map((f) => [f.customerId, f]));
    // Ages from the generator itself, not from the database.
    const generated = generateSample({ customers: SAMPLE.customers, seed: SAMPLE.seed });
    const ages = new Map(generated.customers.map((c) => [c.id, c.age]));
    for (const p of points) {
      const f = features.get(p.customerId)!;
      expect([p.recencyDays, p.frequency, p.tenureDays, p.products, p.returnRate]).toEqual([f.recencyDays, f.frequency, f.tenureDays, f.products, f.returnRate]);
      expect(p.monetary).toBeCloseTo(f.monetary, 2);
      expect(p.age).toBe(ages.get(p.customerId) ?? null);
    }
    const perSegment = kmeans.segments.map((s) => points.filter((p) => p.segmentNo === s.no).length);
    expect(perSegment).toEqual(kmeans.segments.map((s) => s.customers));
  });

  test("above 3,000 customers keeps at most 3,000, every segment the same share (at least one), the same ones each time", async () => {
    // A run of 20,003 members in segments of 12,000, 8,000 and 3 (synthetic: the query only reads segment_members).
    const { rows } = await pool.query<{ id: number }>(
      `insert into segmentation_runs (dataset_id, method, params, metrics, customers, duration_ms) values ($1, 'kmeans', '{}', '{}', 20003, 0) returning id`,
      [sample],
    );
    const run = rows[0]!.id;
    await pool.query(`insert into segments (run_id, segment_no, name, customers, orders, revenue) values ($1, 0, 'a', 12000, 0, 0), ($1, 1, 'b', 8000, 0, 0), ($1, 2, 'c', 3, 0, 0)`, [run]);
    await pool.query(`create table segment_members_${run} partition of segment_members for values in (${run})`); // each run's members are a partition
    await pool.query(
      `insert into segment_members (run_id, customer_id, segment_no, recency_days, frequency, monetary, average_order_value, tenure_days, products)
       select $1, 'x' || i, case when i <= 12000 then 0 when i <= 20000 then 1 else 2 end, i % 365, 1 + i % 7, i, i, i % 700, 1 + i % 50
       from generate_series(1, 20003) i`,
      [run],
    );
    const points = await getClusterPoints(pool, run);
    expect(points.length).toBeLessThanOrEqual(3000);
    expect(points.length).toBeGreaterThan(2990);
    const count = (no: number) => points.filter((p) => p.segmentNo === no).length;
    expect([count(0), count(1), count(2)]).toEqual([1 + Math.floor((12000 * 2997) / 20003), 1 + Math.floor((8000 * 2997) / 20003), 1]);
    expect(new Set(points.map((p) => p.customerId)).size).toBe(points.length);
    expect(psqlRows("cluster-points", "run_id", run).map((r) => r[0])).toEqual(points.map((p) => p.customerId));
    // Evenly spread: the sampled recencies cover the whole range.
    const recencies = points.filter((p) => p.segmentNo === 0).map((p) => p.recencyDays);
    expect(Math.min(...recencies)).toBeLessThan(10);
    expect(Math.max(...recencies)).toBeGreaterThan(355);
  });

  test("the projection standardises with the run's own scaling: over every customer, each feature has mean 0 and sd 1", async () => {
    const points = await getClusterPoints(pool, kmeans.id);
    const scaling = kmeans.metrics.scaling as Parameters<typeof standardisePoint>[1];
    const z = points.map((p) => standardisePoint(p, scaling)!);
    for (let j = 0; j < scaling.features.length; j++) {
      const col = z.map((r) => r[j]!);
      const mean = col.reduce((s, v) => s + v, 0) / col.length;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length);
      expect(mean).toBeCloseTo(0, 4);
      expect(sd).toBeCloseTo(1, 4);
    }
    const projection = projectClusterPoints(await getClusterPoints(pool, kmeans.id), kmeans)!;
    expect(projection.features).toEqual(["recencyDays", "frequency", "monetary", "tenureDays"]);
    expect(projection.points).toHaveLength(kmeans.customers);
    expect(projection.explained[0]).toBeGreaterThanOrEqual(projection.explained[1]);
    expect(projection.explained[0] + projection.explained[1]).toBeLessThanOrEqual(1 + 1e-9);
    // Projected coordinates are centred (the PCA is fitted on these very points).
    expect(projection.points.reduce((s, p) => s + p.x, 0) / projection.points.length).toBeCloseTo(0, 2);
    expect(projectClusterPoints(await getClusterPoints(pool, rfm.id), rfm)).toBeNull();
  });
});

describe("segmentation-runs.sql and segmentable-customers.sql", () => {
  test("list the dataset's runs newest first, in psql as in the app, with segments that have customers", async () => {
    const runs = await getSegmentationRuns(pool, sample);
    const rows = psqlRows("segmentation-runs", "dataset_id", sample);
    expect(rows.map((r) => [Number(r[0]), r[1], Number(r[3]), Number(r[4])])).toEqual(runs.map((r) => [r.id, r.method, r.segments, r.customers]));
    const ids = runs.map((r) => r.id);
    expect(ids.indexOf(kmeans.id)).toBeLessThan(ids.indexOf(rfm.id));
    expect(runs.find((r) => r.id === rfm.id)!.segments).toBe(rfm.segments.filter((s) => s.customers > 0).length);
    expect(runs.find((r) => r.id === kmeans.id)!.params).toMatchObject({ k: 4, seed: 3 });
  });

  test("counts the customers a default run segments", async () => {
    const n = await getSegmentableCustomers(pool, sample);
    expect(n).toBe(rfm.customers);
    expect(psqlRows("segmentable-customers", "dataset_id", sample)).toEqual([[String(n)]]);
  });
});
